package io.streamwarehouse.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./pipeline bench}: runs the benchmarks and writes report.md and report.json. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Run the benchmarks on real services and write a Markdown and a JSON report.")
public final class BenchmarkCli implements Callable<Integer> {
    @Option(
            names = "--only",
            split = ",",
            description =
                    "Benchmarks to run (default: all): turnstile, spark (the Spark seed design on"
                            + " the turnstile benchmark's topic, beside the job), latency,"
                            + " customer, sink.")
    List<String> only = List.of("turnstile", "spark", "latency", "customer", "sink");

    @Option(
            names = "--readings",
            split = ",",
            defaultValue = "1000000,5000000",
            description =
                    "Readings on the turnstile topic, one run (topic, job, Spark) per figure; the"
                            + " larger shows the steady state (default: ${DEFAULT-VALUE}).")
    List<Integer> readings;

    @Option(
            names = "--partitions",
            defaultValue = "4",
            description = "Partitions of the turnstile topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(
            names = "--reject-burst",
            defaultValue = "0",
            description =
                    "Records of 4 KB that are no reading, published in one burst halfway through"
                            + " the readings: each must become one reject row (default:"
                            + " ${DEFAULT-VALUE}).")
    int rejectBurst;

    @Option(
            names = "--customers",
            defaultValue = "1000000",
            description =
                    "Customers in the source of the snapshot benchmark (default: ${DEFAULT-VALUE}).")
    int customers;

    @Option(
            names = "--change-rates",
            split = ",",
            defaultValue = "1000,2000",
            description =
                    "Source changes per second of the freshness runs (default: ${DEFAULT-VALUE}).")
    List<Integer> changeRates;

    @Option(
            names = "--freshness-checkpoint-interval",
            defaultValue = "1 s",
            converter = DurationConverter.class,
            description = "Checkpoint interval of the freshness runs (default: ${DEFAULT-VALUE}).")
    Duration freshnessCheckpoints;

    @Option(
            names = "--latency-checkpoint-intervals",
            split = ",",
            defaultValue = "10 s,1 s",
            converter = DurationConverter.class,
            description =
                    "Checkpoint intervals of the window latency runs (default: ${DEFAULT-VALUE}).")
    List<Duration> latencyCheckpoints;

    @Option(
            names = "--set",
            description = "A job setting for the measured run, key=value (repeatable).")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(
            names = "--spark",
            description =
                    "A setting of the Spark baseline, key=value (repeatable): master (local[2]),"
                            + " shuffle-partitions (4), max-offsets-per-trigger (100000),"
                            + " state-store (hdfs or rocksdb; hdfs, Spark's default).")
    Map<String, String> sparkSettings = new LinkedHashMap<>();

    @Option(
            names = "--out",
            defaultValue = "target/bench",
            description = "Directory of the report (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        Report report = new Report();
        Path work = Files.createTempDirectory("bench");
        for (int topicReadings :
                only.contains("turnstile") || only.contains("spark")
                        ? readings
                        : List.<Integer>of()) {
            new TurnstileThroughput(
                            topicReadings,
                            rejectBurst,
                            partitions,
                            settings,
                            work,
                            only.contains("turnstile"),
                            only.contains("spark"),
                            sparkSettings)
                    .run(report);
        }
        if (only.contains("latency")) {
            new WindowLatency(1_000, 60, partitions, latencyCheckpoints, settings, work)
                    .run(report);
        }
        if (only.contains("customer")) {
            new CustomerThroughput(
                            customers,
                            changeRates,
                            Duration.ofSeconds(30),
                            freshnessCheckpoints,
                            settings,
                            work)
                    .run(report);
        }
        if (only.contains("sink")) {
            new SinkThroughput().run(report);
        }
        report.write(out);
        return 0;
    }

    /** "10 s", "500 ms": Flink's duration syntax, as in the configuration. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return TimeUtils.parseDuration(value);
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchmarkCli()).execute(args));
    }
}
