package io.streamwarehouse.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
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
                            + " the turnstile benchmark's topic, beside the job), sink.")
    List<String> only = List.of("turnstile", "spark", "sink");

    @Option(
            names = "--readings",
            defaultValue = "1000000",
            description = "Readings on the turnstile topic (default: ${DEFAULT-VALUE}).")
    int readings;

    @Option(
            names = "--partitions",
            defaultValue = "4",
            description = "Partitions of the turnstile topic (default: ${DEFAULT-VALUE}).")
    int partitions;

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
        if (only.contains("turnstile") || only.contains("spark")) {
            new TurnstileThroughput(
                            readings,
                            partitions,
                            settings,
                            work,
                            only.contains("turnstile"),
                            only.contains("spark"),
                            sparkSettings)
                    .run(report);
        }
        if (only.contains("sink")) {
            new SinkThroughput().run(report);
        }
        report.write(out);
        return 0;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchmarkCli()).execute(args));
    }
}
