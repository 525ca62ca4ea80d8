package io.streamwarehouse.local.services;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker in this JVM: one KRaft node that is broker and controller at once, on
 * 127.0.0.1, with topic auto-creation on (one partition by default). Log directories live under
 * {@code java.io.tmpdir} and are deleted on {@link #close()}.
 */
public final class KafkaService extends EmbeddedServer {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaService.class);

    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);

    private final Path workDirectory;
    private final int controllerPort;
    private volatile KafkaRaftServer server;
    private final Admin admin;
    private final Duration startupTime;

    private KafkaService(Builder builder) {
        super("Kafka", builder.port);
        long started = System.nanoTime();
        this.controllerPort = Ports.resolve(builder.controllerPort, "the Kafka controller");
        this.workDirectory = WorkDirectories.create("kafka-");
        KafkaRaftServer starting = null;
        Admin startingAdmin = null;
        try {
            String logDirectory = workDirectory.resolve("logs").toString();
            KafkaConfig config = new KafkaConfig(brokerProperties(logDirectory), false);
            format(logDirectory);
            starting = new KafkaRaftServer(config, Time.SYSTEM);
            starting.startup();
            startingAdmin =
                    Admin.create(
                            Map.of(
                                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                    bootstrapServers(),
                                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                                    (int) ADMIN_TIMEOUT.toMillis()));
            // The broker serves clients only once it has registered with the controller.
            if (startingAdmin
                    .describeCluster()
                    .nodes()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .isEmpty()) {
                throw new IllegalStateException("the broker did not register with the controller");
            }
            // Group offsets live in __consumer_offsets, which the broker creates on the first
            // request
            // for a group coordinator; until its partition is loaded, offset commits fail with
            // "coordinator not available" (a warning from the first checkpoint of every Kafka
            // source). Asking for a group's offsets creates it and returns once the coordinator
            // answers: the admin client retries until then.
            startingAdmin
                    .listConsumerGroupOffsets("coordinator-ready")
                    .partitionsToOffsetAndMetadata()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            closeQuietly(startingAdmin, starting);
            WorkDirectories.deleteQuietly(workDirectory);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException(
                    "Kafka did not start on " + bootstrapServers() + ": " + e.getMessage(), e);
        }
        this.server = starting;
        this.admin = startingAdmin;
        this.startupTime = Duration.ofNanos(System.nanoTime() - started);
        closeOnExit();
        LOG.info(
                "Kafka listening on {}, started in {} ms",
                bootstrapServers(),
                startupTime.toMillis());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts a broker on free ports. */
    public static KafkaService start() {
        return builder().start();
    }

    public String bootstrapServers() {
        return Ports.LOOPBACK + ":" + port;
    }

    /** How long {@link Builder#start()} took. */
    public Duration startupTime() {
        return startupTime;
    }

    /**
     * Creates a topic and returns once every partition has a leader, so that producers and
     * consumers find it at once.
     *
     * @throws IllegalStateException if the topic exists or cannot be created
     */
    public void createTopic(String name, int partitions) {
        Objects.requireNonNull(name);
        try {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
            while (!allPartitionsLed(name, partitions)) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("partitions of " + name + " have no leader");
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topic " + name, e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException(
                    "Cannot create topic " + name + ": " + cause.getMessage(), cause);
        }
    }

    /**
     * Stops the broker the way a crash or a rolling restart would, keeping its logs, its port and
     * its topics; {@link #startBroker()} brings it back. For fault tests.
     */
    public synchronized void stopBroker() {
        server.shutdown();
        server.awaitShutdown();
        LOG.info("Kafka on {} stopped for a restart", bootstrapServers());
    }

    /** Starts the broker stopped by {@link #stopBroker()} again, on its logs and port. */
    public synchronized void startBroker() {
        String logDirectory = workDirectory.resolve("logs").toString();
        KafkaRaftServer restarted =
                new KafkaRaftServer(
                        new KafkaConfig(brokerProperties(logDirectory), false), Time.SYSTEM);
        restarted.startup();
        server = restarted;
        LOG.info("Kafka on {} started again", bootstrapServers());
    }

    /** Stops the broker and deletes its log directories. */
    @Override
    protected void stop() {
        closeQuietly(admin, server);
        WorkDirectories.deleteQuietly(workDirectory);
        LOG.info("Kafka on {} stopped", bootstrapServers());
    }

    private boolean allPartitionsLed(String topic, int partitions)
            throws InterruptedException, ExecutionException, TimeoutException {
        TopicDescription description;
        try {
            description =
                    admin.describeTopics(List.of(topic))
                            .allTopicNames()
                            .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                            .get(topic);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                // created, but the broker's metadata has not caught up yet: ask again
                return false;
            }
            throw e;
        }
        return description != null
                && description.partitions().size() == partitions
                && description.partitions().stream()
                        .map(TopicPartitionInfo::leader)
                        .allMatch(leader -> leader != null && !leader.isEmpty());
    }

    private Map<String, Object> brokerProperties(String logDirectory) {
        String broker = "PLAINTEXT://" + bootstrapServers();
        String controller = CONTROLLER_LISTENER + "://" + Ports.LOOPBACK + ":" + controllerPort;
        Map<String, Object> props = new HashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        props.put(
                "controller.quorum.voters", NODE_ID + "@" + Ports.LOOPBACK + ":" + controllerPort);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("listeners", broker + "," + controller);
        props.put("advertised.listeners", broker);
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put(
                "listener.security.protocol.map",
                "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("log.dirs", logDirectory);
        props.put("auto.create.topics.enable", "true");
        props.put("num.partitions", "1");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        // Internal topics default to replication factor 3 and 50 partitions: impossible on one
        // broker, and slow to create for the first consumer group or transaction.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "1");
        // Flink's exactly-once Kafka sink asks for transactions of up to one hour.
        props.put("transaction.max.timeout.ms", "3600000");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "2");
        props.put("num.recovery.threads.per.data.dir", "1");
        // The cleaner's default 128 MB dedupe buffer is sized for production logs.
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        return props;
    }

    /** KRaft refuses log directories without meta.properties and a bootstrap snapshot. */
    private void format(String logDirectory) throws Exception {
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setMetadataLogDirectory(logDirectory)
                .addDirectory(logDirectory)
                .run();
    }

    private static void closeQuietly(Admin admin, KafkaRaftServer server) {
        if (admin != null) {
            try {
                admin.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.warn("Closing the Kafka admin client failed: {}", e.toString());
            }
        }
        if (server != null) {
            try {
                server.shutdown();
                server.awaitShutdown();
            } catch (RuntimeException e) {
                LOG.warn("Stopping Kafka failed: {}", e.toString());
            }
        }
    }

    /** Options of a broker to start; every one has a default. */
    public static final class Builder {
        private int port;
        private int controllerPort;

        private Builder() {}

        /** The client port on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The KRaft controller port on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder controllerPort(int controllerPort) {
            this.controllerPort = controllerPort;
            return this;
        }

        /**
         * Starts the broker and returns once it accepts clients.
         *
         * @throws IllegalStateException if a chosen port is busy or the broker fails
         */
        public KafkaService start() {
            return new KafkaService(this);
        }
    }
}
