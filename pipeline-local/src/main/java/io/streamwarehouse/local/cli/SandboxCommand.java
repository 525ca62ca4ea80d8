package io.streamwarehouse.local.cli;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.jobs.CustomerDimensionJob;
import io.streamwarehouse.jobs.TurnstileAggregatesJob;
import io.streamwarehouse.local.flink.LocalCluster;
import io.streamwarehouse.local.replay.TopicPublisher;
import io.streamwarehouse.local.replay.WeeklyFiles;
import io.streamwarehouse.local.sandbox.PeriodicReconcile;
import io.streamwarehouse.local.sandbox.SampleWarehouse;
import io.streamwarehouse.local.sandbox.SimulatedChanges;
import io.streamwarehouse.local.sandbox.WarehouseProgress;
import io.streamwarehouse.local.services.LocalServices;
import io.streamwarehouse.samples.turnstile.TurnstileWeekGenerator;
import io.streamwarehouse.turnstile.TurnstileOptions;
import io.streamwarehouse.warehouse.WarehouseConnection;
import io.streamwarehouse.warehouse.WarehouseOptions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.JobID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "sandbox",
        mixinStandardHelpOptions = true,
        description = {
            "The whole pipeline on one machine: real MariaDB (or PostgreSQL) with Sakila-shaped data,"
                    + " PostgreSQL warehouse, Kafka, both jobs in a Flink mini cluster with the web UI,"
                    + " a week of turnstile readings replayed and customer changes simulated.",
            "Ctrl-C stops everything and removes its data."
        })
public final class SandboxCommand implements Callable<Integer> {

    @Mixin TopicPartitions topic;

    @Option(
            names = "--source",
            defaultValue = "mysql",
            description =
                    "OLTP source: mysql (MariaDB with binlog) or postgres (default: ${DEFAULT-VALUE}).")
    String source;

    @Option(
            names = "--window",
            defaultValue = "1 h",
            description = "Turnstile window size (default: ${DEFAULT-VALUE}).")
    String window;

    @Option(
            names = "--speedup",
            defaultValue = "10080",
            description =
                    "Replay speed-up against the readings' clock; 10080 = a week per minute, 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    double speedup;

    @Option(
            names = "--replay",
            paramLabel = "FILE_OR_DIR",
            description = "Real MTA weekly file(s) to replay instead of a generated week.")
    Path replay;

    @Option(
            names = "--rate",
            defaultValue = "2",
            description = "Simulated customer changes per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Mixin WebUi web;

    @Option(
            names = "--external",
            description =
                    "Use the endpoints from --config/--set/--env-file/PIPELINE_* instead of starting services.")
    boolean external;

    @Option(
            names = "--duration",
            defaultValue = "0",
            description =
                    "Stop by itself after this many seconds; 0 runs until Ctrl-C (default: ${DEFAULT-VALUE}).")
    long durationSeconds;

    @Mixin ConfigOptions config;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        if (!source.equals("mysql") && !source.equals("postgres")) {
            throw new UserErrors.UserException(
                    "unknown --source '" + source + "'", "use --source mysql or --source postgres");
        }
        if (replay != null && !Files.exists(replay)) {
            throw new UserErrors.UserException(
                    "no such file or directory: " + replay,
                    "pass an MTA weekly file or a folder of them");
        }
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch finished = new CountDownLatch(1);
        List<AutoCloseable> resources = new ArrayList<>();
        Thread shutdown =
                new Thread(
                        () -> {
                            running.set(false);
                            try {
                                finished.await(30, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        });
        Runtime.getRuntime().addShutdownHook(shutdown);
        try {
            run(running, resources);
        } finally {
            for (int i = resources.size() - 1; i >= 0; i--) {
                try {
                    resources.get(i).close();
                } catch (Exception e) {
                    System.err.println("sandbox: stopping " + resources.get(i) + ": " + e);
                }
            }
            out.println("sandbox: stopped");
            finished.countDown();
        }
        return 0;
    }

    private void run(AtomicBoolean running, List<AutoCloseable> resources) throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        if (!external) {
            out.println("sandbox: starting MariaDB, PostgreSQL and Kafka...");
            LocalServices services =
                    LocalServices.builder().withMariaDb(source.equals("mysql")).start();
            resources.add(services);
            env.putAll(SampleWarehouse.provision(services, topic.count(config.load())));
            if (source.equals("postgres")) {
                SampleWarehouse.usePostgresSource(services, env);
            }
            out.printf("sandbox: services up in %.1f s%n", services.startupTime().toMillis() / 1e3);
        } else {
            // the account simulated changes write with, as ./pipeline services hands it out
            Map<String, String> given = new HashMap<>();
            if (config.envFile != null) {
                given.putAll(ConfigOptions.readEnvFile(config.envFile));
            }
            given.putAll(System.getenv());
            for (String key :
                    List.of(
                            SampleWarehouse.SIMULATOR_USERNAME,
                            SampleWarehouse.SIMULATOR_PASSWORD)) {
                if (given.containsKey(key)) {
                    env.put(key, given.get(key));
                }
            }
        }
        PipelineConfig settings =
                config.load(
                        env,
                        List.of(
                                "turnstile.window=" + window,
                                "checkpoint.interval=2 s",
                                "turnstile.out-of-orderness=1 h",
                                "source.slot-name=sandbox_dim_customer",
                                "checkpoint.dir="
                                        + Files.createTempDirectory("sandbox-checkpoints")
                                                .toUri()));

        LocalCluster cluster = LocalCluster.start(web.address, web.port(settings), 8);
        resources.add(cluster);
        JobID customer = cluster.submit(new CustomerDimensionJob(), settings, null);
        JobID turnstile = cluster.submit(new TurnstileAggregatesJob(), settings, null);
        String psql = psqlCommand(settings);
        out.println();
        out.println("  Flink web UI    " + cluster.webUrl());
        out.println("  warehouse       " + psql);
        out.println("  example queries sql/examples/");
        out.println();

        Thread replayer = new Thread(() -> replay(settings), "sandbox-replay");
        replayer.setDaemon(true);
        replayer.start();
        Thread simulator = new Thread(() -> simulate(settings, env, running), "sandbox-changes");
        simulator.setDaemon(true);
        simulator.start();

        WarehouseProgress progress = new WarehouseProgress(WarehouseConnection.from(settings));
        // the first run once the snapshot is in; checkpoints every 2 s, so 10 s outlasts a change
        // on its way through the job
        PeriodicReconcile reconcile =
                new PeriodicReconcile(settings, Duration.ofSeconds(10))
                        .start(Duration.ofSeconds(30));
        resources.add(reconcile);
        long deadline =
                durationSeconds > 0
                        ? System.nanoTime() + durationSeconds * 1_000_000_000L
                        : Long.MAX_VALUE;
        while (running.get() && System.nanoTime() < deadline) {
            out.printf(
                    "sandbox: customer-dimension %s, turnstile-aggregates %s | %s | %s%n",
                    cluster.status(customer),
                    cluster.status(turnstile),
                    progress.line(),
                    reconcile.line());
            for (int i = 0; i < 50 && running.get() && System.nanoTime() < deadline; i++) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
        running.set(false);
        simulator.join(5000);
    }

    private void replay(PipelineConfig settings) {
        try {
            Path input = replay;
            if (input == null) {
                input = Files.createTempFile("sandbox-week", ".csv");
                input.toFile().deleteOnExit();
                new TurnstileWeekGenerator(2023).writeWeeklyFile(input);
            }
            List<WeeklyFiles.Line> lines = WeeklyFiles.read(WeeklyFiles.expand(input));
            try (TopicPublisher publisher =
                    new TopicPublisher(
                            settings.get(TurnstileOptions.KAFKA_BOOTSTRAP_SERVERS), out)) {
                publisher.publish(settings.get(TurnstileOptions.TURNSTILE_TOPIC), lines, speedup);
            }
        } catch (Exception e) {
            System.err.println("sandbox: replay failed: " + e.getMessage());
        }
    }

    private void simulate(PipelineConfig settings, Map<String, String> env, AtomicBoolean running) {
        try {
            SimulatedChanges.run(settings, env, 42, rate, Integer.MAX_VALUE, running::get, c -> {});
        } catch (Exception e) {
            if (running.get()) {
                System.err.println("sandbox: simulated changes stopped: " + e.getMessage());
            }
        }
    }

    private static String psqlCommand(PipelineConfig settings) {
        String url = settings.get(WarehouseOptions.WAREHOUSE_JDBC_URL);
        String hostPortDb = url.replaceFirst("^jdbc:postgresql://", "");
        return "PGPASSWORD=<warehouse.password> psql \"postgresql://"
                + settings.get(WarehouseOptions.WAREHOUSE_USERNAME)
                + "@"
                + hostPortDb
                + "\"";
    }
}
