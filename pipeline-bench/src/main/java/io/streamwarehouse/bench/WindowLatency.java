package io.streamwarehouse.bench;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.jobs.TurnstileAggregatesJob;
import io.streamwarehouse.local.flink.LocalCluster;
import io.streamwarehouse.local.services.KafkaService;
import io.streamwarehouse.local.services.PostgresService;
import io.streamwarehouse.samples.turnstile.TurnstileWeekGenerator;
import io.streamwarehouse.turnstile.TurnstileOptions;
import io.streamwarehouse.turnstile.TurnstileReading;
import io.streamwarehouse.warehouse.Migrations;
import io.streamwarehouse.warehouse.WarehouseConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * How long a turnstile window takes from the moment the watermark passes its end to its rows in
 * PostgreSQL, at a steady live rate: every second each of {@code turnstiles} turnstiles reports a
 * reading one event-time hour after its last. Once a round is on the topic, every partition has
 * seen a reading {@code out-of-orderness} past the end of the window {@code out-of-orderness}
 * behind, so that window's time starts there; it ends when the poller sees all its rows.
 */
final class WindowLatency {
    static final String NAME = "window latency";

    private static final Duration POLL = Duration.ofMillis(50);

    /**
     * Windows whose turnstiles have no baseline yet, or that started with the job, are left out.
     */
    private static final int WARM_UP_ROUNDS = 8;

    private final int turnstiles;
    private final int rounds;
    private final int partitions;
    private final List<Duration> checkpointIntervals;
    private final Map<String, String> settings;
    private final Path work;

    WindowLatency(
            int turnstiles,
            int rounds,
            int partitions,
            List<Duration> checkpointIntervals,
            Map<String, String> settings,
            Path work) {
        this.turnstiles = turnstiles;
        this.rounds = rounds;
        this.partitions = partitions;
        this.checkpointIntervals = checkpointIntervals;
        this.settings = settings;
        this.work = work;
    }

    void run(Report report) throws Exception {
        try (KafkaService kafka = KafkaService.start();
                PostgresService postgres = PostgresService.start()) {
            for (Duration interval : checkpointIntervals) {
                String name = "latency" + interval.toMillis();
                kafka.createTopic(name, partitions);
                postgres.createDatabase(name);
                Map<String, String> values = new HashMap<>(settings);
                values.put("warehouse.jdbc-url", postgres.jdbcUrl(name));
                values.put("warehouse.username", postgres.username());
                values.put("warehouse.password", postgres.password());
                values.put("kafka.bootstrap-servers", kafka.bootstrapServers());
                values.put("turnstile.topic", name);
                values.put("checkpoint.interval", interval.toMillis() + " ms");
                values.put("checkpoint.dir", work.resolve(name).toUri().toString());
                PipelineConfig config = PipelineConfig.of(values);
                Migrations.apply(WarehouseConnection.from(config));
                try (LocalCluster cluster = LocalCluster.start(0, 4)) {
                    cluster.submit(new TurnstileAggregatesJob(), config, null);
                    List<Long> latencies = measure(kafka.bootstrapServers(), name, config);
                    Latencies.report(
                            report,
                            NAME,
                            "checkpoint interval " + interval.toMillis() + " ms",
                            latencies,
                            String.format(
                                    "%,d turnstiles reporting every second (%,d readings/s), %d"
                                            + " windows measured, %d partitions, watermark %s"
                                            + " behind the newest reading; %s; polled every %d ms",
                                    turnstiles,
                                    turnstiles,
                                    latencies.size(),
                                    partitions,
                                    config.get(TurnstileOptions.TURNSTILE_OUT_OF_ORDERNESS),
                                    settings,
                                    POLL.toMillis()));
                }
            }
        }
    }

    private List<Long> measure(String bootstrap, String topic, PipelineConfig config)
            throws Exception {
        long lagHours = config.get(TurnstileOptions.TURNSTILE_OUT_OF_ORDERNESS).toHours();
        // far enough in the past that the last round is not ahead of the wall clock
        LocalDateTime first = LocalDate.now().minusDays(rounds / 24 + 10).atStartOfDay();
        Map<LocalDateTime, Long> windowClosed = new HashMap<>();
        List<Long> latencies = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap);
                Connection warehouse = WarehouseConnection.from(config).open();
                PreparedStatement complete =
                        warehouse.prepareStatement(
                                "SELECT window_end FROM warehouse.turnstile_window"
                                        + " WHERE window_end > ? GROUP BY window_end"
                                        + " HAVING count(*) >= ?")) {
            complete.setInt(2, turnstiles);
            LocalDateTime lastSeen = first;
            long next = System.nanoTime();
            for (int round = 0; round < rounds || !windowClosed.isEmpty(); round++) {
                if (round < rounds) {
                    LocalDateTime time = first.plusHours(round);
                    for (int t = 0; t < turnstiles; t++) {
                        String line =
                                TurnstileWeekGenerator.mtaLine(reading(t, time, round), false);
                        producer.send(
                                new ProducerRecord<>(
                                        topic,
                                        TurnstileReadings.key(line)
                                                .getBytes(StandardCharsets.UTF_8),
                                        line.getBytes(StandardCharsets.UTF_8)));
                    }
                    producer.flush();
                    LocalDateTime closes = time.minusHours(lagHours);
                    if (round >= WARM_UP_ROUNDS + lagHours) {
                        windowClosed.put(closes, System.nanoTime());
                    }
                } else if (round > rounds + 120) {
                    throw new IllegalStateException(
                            "windows never reached the warehouse: " + windowClosed.keySet());
                }
                next += Duration.ofSeconds(1).toNanos();
                // poll until the next round is due
                while (System.nanoTime() < next) {
                    complete.setTimestamp(1, Timestamp.valueOf(lastSeen));
                    try (ResultSet rs = complete.executeQuery()) {
                        long now = System.nanoTime();
                        while (rs.next()) {
                            LocalDateTime end = rs.getTimestamp(1).toLocalDateTime();
                            Long closed = windowClosed.remove(end);
                            if (closed != null) {
                                latencies.add(now - closed);
                            }
                            if (end.isAfter(lastSeen)) {
                                lastSeen = end;
                            }
                        }
                    }
                    TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
                }
            }
        }
        return latencies;
    }

    /** Turnstile {@code t}'s reading of round {@code round}: counters up by 10 and 7 an hour. */
    private static TurnstileReading reading(int t, LocalDateTime time, int round) {
        return new TurnstileReading(
                "B" + (t / 100),
                "R" + (t / 100),
                String.format("00-00-%02d", t % 100),
                "STATION " + (t / 400),
                "1",
                "IRT",
                time,
                "REGULAR",
                1_000_000L + t + 10L * round,
                500_000L + t + 7L * round);
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("acks", "all");
        props.put("linger.ms", "5");
        props.put("key.serializer", ByteArraySerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        return new KafkaProducer<>(props);
    }
}
