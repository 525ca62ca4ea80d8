package io.streamwarehouse.local.services;

import io.streamwarehouse.warehouse.WarehouseRoles;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services of the local sandbox: the OLTP source (MariaDB standing in for MySQL), the
 * PostgreSQL warehouse and Kafka, started together and stopped together.
 */
public final class LocalServices implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalServices.class);

    /** The account {@link #environment} hands to the CDC source; it holds only CDC grants. */
    public static final String CDC_USER = "pipeline_cdc";

    /**
     * The warehouse login of the jobs: a member of {@link WarehouseRoles#WRITER_ROLE}, no owner of
     * anything (see {@link #createWarehouseJobLogin}).
     */
    public static final String WAREHOUSE_JOB_USER = "pipeline_job";

    private final MariaDbService mariaDb;
    private final PostgresService postgres;
    private final KafkaService kafka;
    private final String cdcPassword = Passwords.random();
    private final String warehouseJobPassword = Passwords.random();
    private final Duration startupTime;

    private LocalServices(
            MariaDbService mariaDb,
            PostgresService postgres,
            KafkaService kafka,
            Duration startupTime) {
        this.mariaDb = mariaDb;
        this.postgres = postgres;
        this.kafka = kafka;
        this.startupTime = startupTime;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts all three services on free ports. */
    public static LocalServices start() {
        return builder().start();
    }

    /**
     * @throws IllegalStateException if MariaDB was not started
     */
    public MariaDbService mariaDb() {
        return require(mariaDb, "MariaDB");
    }

    /**
     * @throws IllegalStateException if PostgreSQL was not started
     */
    public PostgresService postgres() {
        return require(postgres, "PostgreSQL");
    }

    /**
     * @throws IllegalStateException if Kafka was not started
     */
    public KafkaService kafka() {
        return require(kafka, "Kafka");
    }

    public Optional<MariaDbService> mariaDbIfStarted() {
        return Optional.ofNullable(mariaDb);
    }

    public Optional<PostgresService> postgresIfStarted() {
        return Optional.ofNullable(postgres);
    }

    public Optional<KafkaService> kafkaIfStarted() {
        return Optional.ofNullable(kafka);
    }

    /** Wall time of {@link Builder#start()}: the services start side by side. */
    public Duration startupTime() {
        return startupTime;
    }

    /**
     * The launcher's settings for these services, in the launcher's order, as {@code KEY=VALUE}
     * pairs. Keys of a service that was not started are left out.
     *
     * <p>Creates both databases if needed, and the CDC account {@value #CDC_USER} with the grants
     * Flink CDC needs on {@code sourceDatabase} and nothing more; the pipeline connects as that
     * account, not as root, so missing grants show up here rather than in production.
     */
    public Map<String, String> environment(String sourceDatabase, String warehouseDatabase) {
        Map<String, String> env = new LinkedHashMap<>();
        if (mariaDb != null) {
            mariaDb.createDatabase(sourceDatabase);
            mariaDb.createCdcUser(CDC_USER, cdcPassword, sourceDatabase);
            env.put("PIPELINE_SOURCE_TYPE", "mysql");
            env.put("PIPELINE_SOURCE_HOSTNAME", mariaDb.host());
            env.put("PIPELINE_SOURCE_PORT", String.valueOf(mariaDb.port()));
            env.put("PIPELINE_SOURCE_DATABASE", sourceDatabase);
            env.put("PIPELINE_SOURCE_USERNAME", CDC_USER);
            env.put("PIPELINE_SOURCE_PASSWORD", cdcPassword);
        }
        if (postgres != null) {
            postgres.createDatabase(warehouseDatabase);
            env.put("PIPELINE_WAREHOUSE_JDBC_URL", postgres.jdbcUrl(warehouseDatabase));
            env.put("PIPELINE_WAREHOUSE_USERNAME", postgres.username());
            env.put("PIPELINE_WAREHOUSE_PASSWORD", postgres.password());
        }
        if (kafka != null) {
            env.put("PIPELINE_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        }
        return env;
    }

    /**
     * Creates (or resets) the login {@value #WAREHOUSE_JOB_USER} on PostgreSQL and returns its
     * settings, to hand to the jobs instead of the superuser's. The rights come from the
     * migrations, which grant {@link WarehouseRoles#WRITER_ROLE} on each migrated database.
     *
     * @return {@code PIPELINE_WAREHOUSE_USERNAME} and {@code _PASSWORD} of the login
     */
    public Map<String, String> createWarehouseJobLogin() {
        try (Connection admin = postgres().openConnection("postgres")) {
            WarehouseRoles.createJobLogin(admin, WAREHOUSE_JOB_USER, warehouseJobPassword);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Cannot create the warehouse login " + WAREHOUSE_JOB_USER, e);
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PIPELINE_WAREHOUSE_USERNAME", WAREHOUSE_JOB_USER);
        env.put("PIPELINE_WAREHOUSE_PASSWORD", warehouseJobPassword);
        return env;
    }

    /** Stops every started service, even if stopping one of them fails. */
    @Override
    public void close() {
        closeAll(kafka, postgres, mariaDb);
    }

    private static <T> T require(T service, String name) {
        if (service == null) {
            throw new IllegalStateException(name + " was not started");
        }
        return service;
    }

    private static void closeAll(AutoCloseable... services) {
        for (AutoCloseable service : services) {
            if (service == null) {
                continue;
            }
            try {
                service.close();
            } catch (Exception e) {
                LOG.warn(
                        "Stopping {} failed: {}", service.getClass().getSimpleName(), e.toString());
            }
        }
    }

    /** Which services to start and where; by default all three on free ports. */
    public static final class Builder {
        private boolean withMariaDb = true;
        private boolean withPostgres = true;
        private boolean withKafka = true;
        private final MariaDbService.Builder mariaDb = MariaDbService.builder();
        private final PostgresService.Builder postgres = PostgresService.builder();
        private final KafkaService.Builder kafka = KafkaService.builder();
        private int mariaDbPort;
        private int postgresPort;
        private int kafkaPort;

        private Builder() {}

        public Builder withMariaDb(boolean start) {
            this.withMariaDb = start;
            return this;
        }

        public Builder withPostgres(boolean start) {
            this.withPostgres = start;
            return this;
        }

        public Builder withKafka(boolean start) {
            this.withKafka = start;
            return this;
        }

        /** MariaDB's port on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder mariaDbPort(int port) {
            this.mariaDbPort = port;
            return this;
        }

        /** PostgreSQL's port on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder postgresPort(int port) {
            this.postgresPort = port;
            return this;
        }

        /** Kafka's client port on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder kafkaPort(int port) {
            this.kafkaPort = port;
            return this;
        }

        /** Further MariaDB options (root password, server id). */
        public Builder mariaDb(java.util.function.Consumer<MariaDbService.Builder> options) {
            options.accept(mariaDb);
            return this;
        }

        /** Further PostgreSQL options (password). */
        public Builder postgres(java.util.function.Consumer<PostgresService.Builder> options) {
            options.accept(postgres);
            return this;
        }

        /** Further Kafka options (controller port). */
        public Builder kafka(java.util.function.Consumer<KafkaService.Builder> options) {
            options.accept(kafka);
            return this;
        }

        /**
         * Starts the chosen services side by side (they share nothing but the machine) and returns
         * once all accept connections. If one fails, the others are stopped again.
         *
         * @throws IllegalStateException with the first failure; a busy chosen port is named
         */
        public LocalServices start() {
            long started = System.nanoTime();
            // A busy chosen port fails at once, not after the other services have started.
            checkFree(withMariaDb, mariaDbPort, "MariaDB");
            checkFree(withPostgres, postgresPort, "PostgreSQL");
            checkFree(withKafka, kafkaPort, "Kafka");
            mariaDb.port(mariaDbPort);
            postgres.port(postgresPort);
            kafka.port(kafkaPort);
            ExecutorService executor =
                    Executors.newFixedThreadPool(
                            3,
                            runnable -> {
                                Thread thread = new Thread(runnable, "local-services-start");
                                thread.setDaemon(true);
                                return thread;
                            });
            try {
                CompletableFuture<MariaDbService> mariaDbStart =
                        startIf(withMariaDb, mariaDb::start, executor);
                CompletableFuture<PostgresService> postgresStart =
                        startIf(withPostgres, postgres::start, executor);
                CompletableFuture<KafkaService> kafkaStart =
                        startIf(withKafka, kafka::start, executor);
                List<RuntimeException> failures = new ArrayList<>();
                MariaDbService m = join(mariaDbStart, failures);
                PostgresService p = join(postgresStart, failures);
                KafkaService k = join(kafkaStart, failures);
                if (!failures.isEmpty()) {
                    closeAll(k, p, m);
                    RuntimeException first = failures.get(0);
                    failures.subList(1, failures.size()).forEach(first::addSuppressed);
                    throw first;
                }
                return new LocalServices(m, p, k, Duration.ofNanos(System.nanoTime() - started));
            } finally {
                executor.shutdown();
            }
        }

        private static void checkFree(boolean wanted, int port, String service) {
            if (wanted && port != 0) {
                Ports.requireFree(port, service);
            }
        }

        private static <T> CompletableFuture<T> startIf(
                boolean wanted, Supplier<T> start, ExecutorService executor) {
            return wanted
                    ? CompletableFuture.supplyAsync(start, executor)
                    : CompletableFuture.completedFuture(null);
        }

        private static <T> T join(CompletableFuture<T> future, List<RuntimeException> failures) {
            try {
                return future.join();
            } catch (CompletionException e) {
                failures.add(
                        e.getCause() instanceof RuntimeException
                                ? (RuntimeException) e.getCause()
                                : new IllegalStateException(e.getCause()));
                return null;
            }
        }
    }
}
