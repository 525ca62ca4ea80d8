package io.streamwarehouse.bench.spark;

import static org.apache.spark.sql.functions.col;

import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.streaming.MemoryStream;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.util.LongAccumulator;
import scala.Option;
import scala.collection.JavaConverters;

/**
 * The seed design the Flink turnstile job replaces, kept as its benchmark baseline: a Spark
 * Structured Streaming job (local mode) on the same topic, with the same parse, dedup, counter
 * deltas and 1-hour tumbling windows per turnstile grouping ({@link CounterDeltas}: one {@code
 * flatMapGroupsWithState}, Append, event-time timeout), the same watermark (4 h out of orderness),
 * and an upsert into PostgreSQL through {@code foreachBatch}.
 *
 * <p>Run by the benchmark as a child JVM (Spark's and Flink's jars do not mix). It reads the topic
 * from the earliest offset; once the expected number of records has gone through, it adds one
 * end-of-input marker reading dated in the year 2999 (a second, in-memory source), so the watermark
 * passes every reading and window, as the end of the Flink job's bounded source does; the
 * micro-batch after it commits the last readings and windows, then the query stops. It writes its
 * elapsed time, CPU time and counts to a properties file.
 *
 * <p>Arguments: {@code key=value} pairs: bootstrap, topic, expected, jdbc-url, user, password,
 * table, checkpoint, result, master (local[2]), shuffle-partitions (4), max-offsets-per-trigger
 * (100000), state-store (hdfs, Spark's default, or rocksdb), out-of-orderness-seconds (14400),
 * window-seconds (3600).
 */
public final class SparkTurnstileJob {
    private SparkTurnstileJob() {}

    static final byte[] END_MARKER = "\u0001end-of-input".getBytes(StandardCharsets.UTF_8);
    static final long END_MILLIS =
            LocalDateTime.of(2999, 1, 1, 0, 0).toInstant(ZoneOffset.UTC).toEpochMilli();

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        java.util.Set<String> known =
                java.util.Set.of(
                        "bootstrap",
                        "topic",
                        "expected",
                        "jdbc-url",
                        "user",
                        "password",
                        "table",
                        "checkpoint",
                        "result",
                        "master",
                        "shuffle-partitions",
                        "max-offsets-per-trigger",
                        "state-store",
                        "out-of-orderness-seconds",
                        "window-seconds");
        for (String key : a.keySet()) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException("unknown setting " + key + "; known: " + known);
            }
        }
        long expected = Long.parseLong(a.get("expected"));
        String table = a.getOrDefault("table", "bench.spark_turnstile_window");

        double processCpuAtStart = cpuSeconds();
        String stateStore = a.getOrDefault("state-store", "hdfs");
        SparkSession.Builder builder = SparkSession.builder();
        if (stateStore.equals("rocksdb")) {
            builder.config(
                    "spark.sql.streaming.stateStore.providerClass",
                    "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider");
        } else if (!stateStore.equals("hdfs")) {
            throw new IllegalArgumentException(
                    "state-store must be hdfs or rocksdb: " + stateStore);
        }
        SparkSession spark =
                builder.master(a.getOrDefault("master", "local[2]"))
                        .appName("turnstile-seed-spark")
                        .config("spark.ui.enabled", "false")
                        .config(
                                "spark.sql.shuffle.partitions",
                                a.getOrDefault("shuffle-partitions", "4"))
                        .config("spark.sql.session.timeZone", "UTC")
                        .getOrCreate();
        double cpuAtSessionStart = cpuSeconds();

        Counters counters = new Counters(spark);
        LongAccumulator rows = spark.sparkContext().longAccumulator("rows");

        AtomicLong kafkaRows = new AtomicLong();
        AtomicLong markerBatch = new AtomicLong(-1);
        AtomicLong lastBatch = new AtomicLong(-1);
        spark.streams()
                .addListener(
                        new StreamingQueryListener() {
                            @Override
                            public void onQueryStarted(QueryStartedEvent event) {}

                            @Override
                            public void onQueryProgress(QueryProgressEvent event) {
                                for (SourceProgress source : event.progress().sources()) {
                                    if (source.description().startsWith("KafkaV2")) {
                                        kafkaRows.addAndGet(source.numInputRows());
                                    } else if (source.numInputRows() > 0) {
                                        markerBatch.set(event.progress().batchId());
                                    }
                                }
                                System.err.println("progress " + event.progress().json());
                                lastBatch.set(event.progress().batchId());
                            }

                            @Override
                            public void onQueryTerminated(QueryTerminatedEvent event) {}
                        });

        long start = System.nanoTime();
        double cpu = cpuSeconds();

        Dataset<byte[]> values =
                spark.readStream()
                        .format("kafka")
                        .option("kafka.bootstrap.servers", a.get("bootstrap"))
                        .option("subscribe", a.get("topic"))
                        .option("startingOffsets", "earliest")
                        .option("failOnDataLoss", "false")
                        .option(
                                "maxOffsetsPerTrigger",
                                a.getOrDefault("max-offsets-per-trigger", "100000"))
                        .load()
                        .select("value")
                        .as(Encoders.BINARY());
        MemoryStream<byte[]> end =
                new MemoryStream<>(1, spark.sqlContext(), Option.empty(), Encoders.BINARY());

        LongAccumulator bad = spark.sparkContext().longAccumulator("bad");
        Dataset<Reading> readings =
                values.union(end.toDS())
                        .flatMap(
                                (FlatMapFunction<byte[], Reading>)
                                        value -> {
                                            if (java.util.Arrays.equals(value, END_MARKER)) {
                                                Reading marker = new Reading();
                                                marker.setTime(END_MILLIS);
                                                marker.setEventTime(
                                                        new java.sql.Timestamp(END_MILLIS));
                                                return List.of(marker).iterator();
                                            }
                                            try {
                                                return List.of(MtaCsv.parse(value)).iterator();
                                            } catch (MtaCsv.Invalid e) {
                                                bad.add(1);
                                                return java.util.Collections.emptyIterator();
                                            }
                                        },
                                Encoders.bean(Reading.class))
                        .withWatermark(
                                "eventTime",
                                a.getOrDefault("out-of-orderness-seconds", "14400") + " seconds");

        long windowMillis = 1000 * Long.parseLong(a.getOrDefault("window-seconds", "3600"));
        Dataset<Row> windows =
                readings.groupByKey((MapFunction<Reading, String>) Reading::key, Encoders.STRING())
                        .flatMapGroupsWithState(
                                new CounterDeltas(counters.deltaCounters, windowMillis),
                                OutputMode.Append(),
                                Encoders.bean(TurnstileState.class),
                                Encoders.bean(WindowRow.class),
                                GroupStateTimeout.EventTimeTimeout())
                        .select(
                                col("windowStart"),
                                col("windowEnd"),
                                col("ca"),
                                col("unit"),
                                col("scp"),
                                col("station"),
                                col("linename"),
                                col("division"),
                                col("readingDate"),
                                col("description"),
                                col("entries"),
                                col("exits"),
                                col("readings"));

        WindowUpsert upsert =
                new WindowUpsert(a.get("jdbc-url"), a.get("user"), a.get("password"), table, rows);
        StreamingQuery query =
                windows.writeStream()
                        .outputMode(OutputMode.Append())
                        .option("checkpointLocation", a.get("checkpoint"))
                        .foreachBatch(
                                (VoidFunction2<Dataset<Row>, Long>)
                                        (batch, id) -> batch.foreachPartition(upsert))
                        .start();

        long deadline = System.nanoTime() + TimeUnit.HOURS.toNanos(2);
        while (kafkaRows.get() < expected) {
            check(query, deadline, "read " + kafkaRows.get() + " of " + expected + " records");
            Thread.sleep(20);
        }
        end.addData(JavaConverters.asScalaBuffer(List.of(END_MARKER)).toSeq());
        while (markerBatch.get() < 0 || lastBatch.get() < markerBatch.get() + 1) {
            check(query, deadline, "waiting for the batches after the end-of-input marker");
            Thread.sleep(20);
        }
        query.processAllAvailable();
        query.stop();
        double seconds = (System.nanoTime() - start) / 1e9;
        double queryCpu = cpuSeconds() - cpu;

        Properties result = new Properties();
        result.setProperty("seconds", String.valueOf(seconds));
        result.setProperty("cpuSeconds", String.valueOf(queryCpu));
        result.setProperty(
                "sessionStartCpuSeconds", String.valueOf(cpuAtSessionStart - processCpuAtStart));
        result.setProperty("processCpuSeconds", String.valueOf(cpuSeconds()));
        result.setProperty(
                "processUptimeSeconds",
                String.valueOf(ManagementFactory.getRuntimeMXBean().getUptime() / 1e3));
        result.setProperty("sparkVersion", spark.version());
        result.setProperty("master", spark.sparkContext().master());
        result.setProperty("shufflePartitions", spark.conf().get("spark.sql.shuffle.partitions"));
        result.setProperty(
                "maxOffsetsPerTrigger", a.getOrDefault("max-offsets-per-trigger", "100000"));
        result.setProperty("stateStore", stateStore);
        result.setProperty("kafkaRecords", String.valueOf(kafkaRows.get()));
        result.setProperty("badLines", String.valueOf(bad.value()));
        result.setProperty("readings", String.valueOf(counters.deltaCounters.readings.value()));
        result.setProperty("late", String.valueOf(counters.deltaCounters.late.value()));
        result.setProperty("duplicates", String.valueOf(counters.deltaCounters.duplicates.value()));
        result.setProperty("deltas", String.valueOf(counters.deltaCounters.deltas.value()));
        result.setProperty("anomalies", String.valueOf(counters.deltaCounters.anomalies.value()));
        result.setProperty("gaps", String.valueOf(counters.deltaCounters.gaps.value()));
        result.setProperty("windows", String.valueOf(counters.deltaCounters.windows.value()));
        result.setProperty("rowsWritten", String.valueOf(rows.value()));
        result.setProperty("batches", String.valueOf(lastBatch.get() + 1));
        try (Writer w = Files.newBufferedWriter(Path.of(a.get("result")))) {
            result.store(w, "spark structured streaming turnstile baseline");
        }
        spark.stop();
    }

    private static final class Counters {
        final CounterDeltas.Counters deltaCounters;

        Counters(SparkSession spark) {
            deltaCounters = new CounterDeltas.Counters(spark.sparkContext());
        }
    }

    private static void check(StreamingQuery query, long deadline, String what) {
        if (query.exception().isDefined()) {
            throw new IllegalStateException("the Spark query failed", query.exception().get());
        }
        if (!query.isActive()) {
            throw new IllegalStateException("the Spark query stopped: " + what);
        }
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("timed out: " + what);
        }
    }

    static double cpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean)
                                ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime()
                / 1e9;
    }
}
