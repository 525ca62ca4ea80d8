package io.streamwarehouse.bench;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.jobs.TurnstileAggregatesJob;
import io.streamwarehouse.local.flink.LocalCluster;
import io.streamwarehouse.local.services.KafkaService;
import io.streamwarehouse.local.services.PostgresService;
import io.streamwarehouse.warehouse.Migrations;
import io.streamwarehouse.warehouse.WarehouseConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The turnstile job end to end against the ceiling of its input: a topic pre-filled with real-week
 * shaped readings, read once by a plain Kafka consumer and once by the job from the earliest offset
 * to the end (bounded: the job finishes when every row is committed in PostgreSQL). With {@code
 * spark}, the seed design it replaces ({@link SparkBaseline}) then reads the same topic into the
 * same PostgreSQL, and the two are compared per second and per CPU-second.
 */
final class TurnstileThroughput {
    static final String NAME = "turnstile throughput";

    /** The section of one run: several topic sizes run one after the other, each its own. */
    private final String name;

    /** What the Spark seed design does differently from the Flink job, under the figures. */
    static final String SPARK_DIFFERENCES =
            "**Spark seed design against the Flink job: what differs.**"
                    + " (1) Windows: Spark 3.5 cannot chain the ordering + counter-delta"
                    + " flatMapGroupsWithState into a window aggregation: the deltas come out when"
                    + " the watermark reaches their time, so the downstream aggregation on the same"
                    + " global watermark drops every one as late (Spark warns of this pattern), and"
                    + " with watermark propagation (the default) no watermark can be declared on its"
                    + " output. The 1-hour tumbling windows per grouping (C/A, UNIT, SCP, STATION,"
                    + " LINENAME, DIVISION, DATE, DESC) are therefore summed in the same"
                    + " flatMapGroupsWithState's state and emitted once, when the watermark reaches"
                    + " their last millisecond, as Flink's window TVF does."
                    + " (2) Watermark: Spark's is global (the highest reading time over all"
                    + " partitions minus 4 h) and moves only between micro-batches; Flink's is per"
                    + " Kafka partition (the lowest of them, 1-minute idleness) and moves per record."
                    + " (3) End of input: Flink's bounded source ends with the maximum watermark;"
                    + " Spark has no such end (Trigger.AvailableNow would stop with the last 4 h of"
                    + " readings and windows still in state), so once every record was read the"
                    + " child adds one end-of-input marker dated 2999 on a second, in-memory source,"
                    + " runs the micro-batch after it and stops the query."
                    + " (4) Output: Spark writes only the per-turnstile windows, each partition of a"
                    + " micro-batch in one transaction of idempotent upserts; the Flink job also"
                    + " writes the station rollup (one more streaming aggregation, which Spark 3.5"
                    + " would only run as a second query reading the topic again), every reject and"
                    + " anomaly row (Spark counts them) and its load audit and exactly-once commit"
                    + " markers. The comparison therefore favours Spark."
                    + " (5) State: Spark's default in-memory state store (HDFS-backed; --spark"
                    + " state-store=rocksdb for Spark's RocksDB one), checkpointed every micro-batch"
                    + " to local disk; Flink's RocksDB, checkpointed every 10 s."
                    + " (6) Parallelism and batching: Flink at job.parallelism (default 1), record"
                    + " by record; Spark as its figure's note says (default local[2], 4 shuffle"
                    + " partitions, at most 100,000 records per micro-batch), so it reads and writes"
                    + " a turnstile's state once per micro-batch rather than once per reading."
                    + " (7) CPU: Flink's is this JVM (Flink and the broker) from submit to finish;"
                    + " Spark's the child JVM from building the query to its stop plus this JVM (the"
                    + " broker) while the child ran; neither counts PostgreSQL nor the start of its"
                    + " engine (mini cluster, Spark session)."
                    + " Parse, late, dedup, delta, gap, anomaly and retention rules are the same"
                    + " (re-implemented for Spark), and the two tables are compared row by row.";

    private final int readings;
    private final int rejectBurst;
    private final int partitions;
    private final Map<String, String> settings;
    private final Path work;
    private final boolean flink;
    private final boolean spark;
    private final Map<String, String> sparkSettings;

    TurnstileThroughput(
            int readings,
            int rejectBurst,
            int partitions,
            Map<String, String> settings,
            Path work,
            boolean flink,
            boolean spark,
            Map<String, String> sparkSettings) {
        this.readings = readings;
        this.name = String.format("%s, %,d readings", NAME, readings);
        this.rejectBurst = rejectBurst;
        this.partitions = partitions;
        this.settings = settings;
        this.work = work;
        this.flink = flink;
        this.spark = spark;
        this.sparkSettings = sparkSettings;
    }

    void run(Report report) throws Exception {
        List<String> lines = TurnstileReadings.mtaLines(readings);
        try (KafkaService kafka = KafkaService.start();
                PostgresService postgres = PostgresService.start()) {
            String topic = "bench-turnstile";
            kafka.createTopic(topic, partitions);
            long start = System.nanoTime();
            publish(kafka.bootstrapServers(), topic, lines, rejectBurst);
            int published = lines.size() + rejectBurst;
            // the job and the broker get the heap: a run with -Xmx512m shows the job's own needs
            lines = null;
            System.out.printf(
                    "bench: %,d records on %d partitions published in %.1f s%n",
                    published, partitions, (System.nanoTime() - start) / 1e9);

            double cpu = Cpu.seconds();
            start = System.nanoTime();
            long read = consumeAll(kafka.bootstrapServers(), topic, published);
            double consumerSeconds = (System.nanoTime() - start) / 1e9;
            double consumerCpu = Cpu.seconds() - cpu;
            double ceiling = read / consumerSeconds;
            report.add(name, "plain Kafka consumer", ceiling, "records/s", "ceiling");
            report.add(
                    name,
                    "plain Kafka consumer per CPU-second",
                    read / consumerCpu,
                    "records/CPU-s",
                    null);

            postgres.createDatabase("bench");
            Map<String, String> values = new HashMap<>(settings);
            values.put("warehouse.jdbc-url", postgres.jdbcUrl("bench"));
            values.put("warehouse.username", postgres.username());
            values.put("warehouse.password", postgres.password());
            values.put("kafka.bootstrap-servers", kafka.bootstrapServers());
            values.put("turnstile.topic", topic);
            values.put("checkpoint.dir", work.resolve("checkpoints").toUri().toString());
            PipelineConfig config = PipelineConfig.of(values);
            Migrations.apply(WarehouseConnection.from(config));

            double flinkPerSecond = 0;
            double flinkPerCpuSecond = 0;
            long flinkRows = 0;
            if (flink) {
                try (LocalCluster cluster = LocalCluster.start(0, 4)) {
                    cpu = Cpu.seconds();
                    start = System.nanoTime();
                    JobID job = cluster.submit(new TurnstileAggregatesJob(true), config, null);
                    JobResult result =
                            cluster.miniCluster().requestJobResult(job).get(2, TimeUnit.HOURS);
                    double jobSeconds = (System.nanoTime() - start) / 1e9;
                    double jobCpu = Cpu.seconds() - cpu;
                    if (!result.isSuccess()) {
                        throw new IllegalStateException("the job failed: " + result);
                    }
                    assertBurstRejected(config);
                    long rows = count(config, "warehouse.turnstile_window");
                    long stationRows = count(config, "warehouse.station_window");
                    // how the rows were cut into loads: with a checkpoint interval longer than the
                    // run, one load holds them all until the final checkpoint
                    long windowLoads =
                            count(
                                    config,
                                    "audit.load_audit"
                                            + " WHERE target_table = 'warehouse.turnstile_window'");
                    long largestLoad =
                            number(
                                    config,
                                    "SELECT coalesce(max(rows_inserted + rows_updated"
                                            + " + rows_skipped), 0) FROM audit.load_audit"
                                            + " WHERE target_table = 'warehouse.turnstile_window'");
                    String note =
                            String.format(
                                    "%,d records (%,d of them burst), %d partitions, %s; %,d turnstile"
                                            + " and %,d station"
                                            + " window rows committed in %,d loads (the largest"
                                            + " %,d rows); %.1f s from submit",
                                    published,
                                    rejectBurst,
                                    partitions,
                                    settings,
                                    rows,
                                    stationRows,
                                    windowLoads,
                                    largestLoad,
                                    jobSeconds);
                    report.add(
                            name,
                            "job end to end",
                            published / jobSeconds,
                            "records/s",
                            "plain Kafka consumer",
                            ceiling,
                            note);
                    report.add(
                            name,
                            "job per CPU-second (JVM: Flink and broker; PostgreSQL not counted)",
                            published / jobCpu,
                            "records/CPU-s",
                            null);
                    flinkPerSecond = published / jobSeconds;
                    flinkPerCpuSecond = published / jobCpu;
                    flinkRows = rows;
                }
            }
            if (spark) {
                runSpark(
                        report,
                        config,
                        postgres,
                        kafka,
                        topic,
                        published,
                        flinkPerSecond,
                        flinkPerCpuSecond,
                        flinkRows);
            }
        }
    }

    /**
     * The Spark seed design on the same topic and PostgreSQL, after the Flink job (its mini cluster
     * closed), beside the Flink job's figures of this run when it ran.
     */
    private void runSpark(
            Report report,
            PipelineConfig config,
            PostgresService postgres,
            KafkaService kafka,
            String topic,
            long records,
            double flinkPerSecond,
            double flinkPerCpuSecond,
            long flinkRows)
            throws Exception {
        SparkBaseline.Result spark =
                SparkBaseline.run(
                        WarehouseConnection.from(config),
                        postgres.jdbcUrl("bench"),
                        postgres.username(),
                        postgres.password(),
                        kafka.bootstrapServers(),
                        topic,
                        records,
                        sparkSettings,
                        work);
        double perSecond = records / spark.seconds();
        double cpu = spark.cpuSeconds() + spark.brokerCpuSeconds();
        double perCpuSecond = records / cpu;
        String note =
                String.format(
                        "Spark %s %s, %s shuffle partitions, maxOffsetsPerTrigger %s, %s state store,"
                                + " %d micro-batches; %,d rows committed in %s"
                                + (flink ? " (Flink job: %,d)" : "%s")
                                + "; %,d bad lines, %,d late, %,d duplicates, %,d deltas,"
                                + " %,d anomalies, %,d gaps; %.1f s from building the query to the"
                                + " last batch committed (child JVM %.1f s in all)",
                        spark.counts().getProperty("sparkVersion"),
                        spark.counts().getProperty("master"),
                        spark.counts().getProperty("shufflePartitions"),
                        spark.counts().getProperty("maxOffsetsPerTrigger"),
                        spark.counts().getProperty("stateStore"),
                        spark.count("batches"),
                        spark.rows(),
                        SparkBaseline.TABLE,
                        flink ? flinkRows : "",
                        spark.count("badLines"),
                        spark.count("late"),
                        spark.count("duplicates"),
                        spark.count("deltas"),
                        spark.count("anomalies"),
                        spark.count("gaps"),
                        spark.seconds(),
                        spark.processSeconds());
        String cpuNote =
                String.format(
                        "%.1f CPU-s: the child JVM (Spark driver and executors) %.1f from building"
                                + " the query to the end (its session start, %.1f, not counted, as"
                                + " the Flink mini cluster's start is not) + this JVM (the broker)"
                                + " %.1f meanwhile; PostgreSQL not counted",
                        cpu,
                        spark.cpuSeconds(),
                        Double.parseDouble(
                                spark.counts().getProperty("sessionStartCpuSeconds", "0")),
                        spark.brokerCpuSeconds());
        report.note(SPARK_DIFFERENCES);
        if (flink) {
            note +=
                    String.format(
                            "; rows of one not in the other (all columns but loaded_at): %,d"
                                    + " Flink-only, %,d Spark-only",
                            differing(config, "warehouse.turnstile_window", SparkBaseline.TABLE),
                            differing(config, SparkBaseline.TABLE, "warehouse.turnstile_window"));
            report.add(
                    name,
                    "spark structured streaming end to end",
                    perSecond,
                    "records/s",
                    "Flink job end to end",
                    flinkPerSecond,
                    note);
            report.add(
                    name,
                    "spark structured streaming per CPU-second",
                    perCpuSecond,
                    "records/CPU-s",
                    "Flink job per CPU-second",
                    flinkPerCpuSecond,
                    cpuNote);
            double ratio = flinkPerCpuSecond / perCpuSecond;
            report.add(
                    name,
                    "Flink job per CPU-second against the Spark seed design (goal: at least 3x)",
                    flinkPerCpuSecond,
                    "records/CPU-s",
                    "spark structured streaming",
                    perCpuSecond,
                    String.format(
                            "Flink/Spark = %.2fx per CPU-second, %.2fx per second: goal %s",
                            ratio,
                            flinkPerSecond / perSecond,
                            ratio >= 3 && flinkPerSecond / perSecond >= 3 ? "met" : "not met"));
        } else {
            report.add(name, "spark structured streaming end to end", perSecond, "records/s", note);
            report.add(
                    name,
                    "spark structured streaming per CPU-second",
                    perCpuSecond,
                    "records/CPU-s",
                    cpuNote);
        }
    }

    /** The size of a burst record: a reject row keeps it whole, as raw_payload. */
    static final int BURST_RECORD_BYTES = 4096;

    /**
     * The lines in order, with {@code burst} records that are no reading halfway through. The burst
     * is made while it is sent, so that it never sits on this JVM's heap.
     */
    static void publish(String bootstrap, String topic, List<String> lines, int burst)
            throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("acks", "all");
        props.put("linger.ms", "20");
        props.put("batch.size", String.valueOf(256 * 1024));
        props.put("key.serializer", ByteArraySerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < lines.size(); i++) {
                if (i == lines.size() / 2) {
                    for (int b = 0; b < burst; b++) {
                        producer.send(new ProducerRecord<>(topic, burstRecord(b)));
                    }
                }
                String line = lines.get(i);
                producer.send(
                        new ProducerRecord<>(
                                topic,
                                TurnstileReadings.key(line).getBytes(StandardCharsets.UTF_8),
                                line.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    /** One line without a field separator, padded to {@link #BURST_RECORD_BYTES}. */
    private static byte[] burstRecord(int index) {
        byte[] record = new byte[BURST_RECORD_BYTES];
        Arrays.fill(record, (byte) 'x');
        byte[] name = ("burst " + index + " ").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, record, 0, name.length);
        return record;
    }

    /** Every burst record became one reject row, whole. */
    private void assertBurstRejected(PipelineConfig config) throws Exception {
        long rejected =
                count(
                        config,
                        "warehouse.turnstile_rejects WHERE octet_length(raw_payload) = "
                                + BURST_RECORD_BYTES);
        if (rejected != rejectBurst) {
            throw new IllegalStateException(
                    rejectBurst + " burst records published, " + rejected + " rejected");
        }
        if (rejectBurst > 0) {
            System.out.printf(
                    "bench: %,d burst records of %,d bytes, %,d reject rows of that size%n",
                    rejectBurst, BURST_RECORD_BYTES, rejected);
        }
    }

    static long consumeAll(String bootstrap, String topic, long expected) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        props.put("enable.auto.commit", "false");
        long count = 0;
        long bytes = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> all = new ArrayList<>();
            consumer.partitionsFor(topic)
                    .forEach(p -> all.add(new TopicPartition(topic, p.partition())));
            consumer.assign(all);
            consumer.seekToBeginning(all);
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (count < expected && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                for (var record : records) {
                    count++;
                    bytes += record.value().length;
                }
            }
        }
        if (count < expected) {
            throw new IllegalStateException("read " + count + " of " + expected + " records");
        }
        return bytes > 0 ? count : 0;
    }

    /**
     * Rows of {@code table} with no identical row (every column but loaded_at) in {@code other}.
     */
    private static long differing(PipelineConfig config, String table, String other)
            throws Exception {
        String columns =
                "window_start, window_end, ca, unit, scp, station, linename, division,"
                        + " reading_date, description, entries, exits, readings";
        try (Connection c = WarehouseConnection.from(config).open();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT count(*) FROM (SELECT "
                                        + columns
                                        + " FROM "
                                        + table
                                        + " EXCEPT SELECT "
                                        + columns
                                        + " FROM "
                                        + other
                                        + ") d")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long count(PipelineConfig config, String table) throws Exception {
        return number(config, "SELECT count(*) FROM " + table);
    }

    private static long number(PipelineConfig config, String sql) throws Exception {
        try (Connection c = WarehouseConnection.from(config).open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
