package io.streamwarehouse.bench;

import io.streamwarehouse.warehouse.WarehouseConnection;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The seed design the turnstile job replaces, as its baseline: the Spark Structured Streaming job
 * of module {@code pipeline-bench-spark}, run as a child JVM on that module's own classpath (Spark
 * and the Flink/Kafka stack of this JVM do not fit on one classpath) against the same topic and
 * PostgreSQL. It upserts into {@value #TABLE}, which has the columns and key of {@code
 * warehouse.turnstile_window}, and reports its elapsed and CPU time in a properties file.
 */
final class SparkBaseline {
    static final String TABLE = "bench.spark_turnstile_window";
    static final String MAIN = "io.streamwarehouse.bench.spark.SparkTurnstileJob";

    /** What Spark 3.5 needs opened on Java 17 (its launcher's JavaModuleOptions), and UTC. */
    static final List<String> JVM_ARGS =
            List.of(
                    "-Xmx3g",
                    "-XX:+IgnoreUnrecognizedVMOptions",
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/java.net=ALL-UNNAMED",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                    "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
                    "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
                    "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
                    "-Djdk.reflect.useDirectMethodHandle=false",
                    "-Dio.netty.tryReflectionSetAccessible=true",
                    // event time is the wall clock read as UTC, as in the Flink job
                    "-Duser.timezone=UTC");

    /**
     * The child's figures: {@code seconds} and {@code cpuSeconds} from building the query to its
     * last micro-batch committed (the Spark session already up, as the Flink mini cluster is);
     * {@code brokerCpuSeconds} this JVM's CPU meanwhile (the broker serving the child).
     */
    record Result(
            double seconds,
            double cpuSeconds,
            double brokerCpuSeconds,
            double processSeconds,
            Properties counts,
            long rows) {
        long count(String name) {
            return Long.parseLong(counts.getProperty(name, "-1"));
        }
    }

    private SparkBaseline() {}

    static Path moduleTarget() {
        return Path.of(System.getProperty("pipeline.home", "."))
                .resolve("pipeline-bench-spark")
                .resolve("target");
    }

    static Result run(
            WarehouseConnection warehouse,
            String jdbcUrl,
            String user,
            String password,
            String bootstrap,
            String topic,
            long expected,
            Map<String, String> settings,
            Path work)
            throws Exception {
        Path target = moduleTarget();
        Path classpathFile = target.resolve("runtime-classpath.txt");
        if (!Files.isRegularFile(classpathFile)) {
            throw new IllegalStateException(
                    classpathFile
                            + " is missing: ./pipeline bench builds pipeline-bench-spark (profile"
                            + " bench)");
        }
        try (Connection c = warehouse.open();
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS bench");
            s.execute("DROP TABLE IF EXISTS " + TABLE);
            // warehouse.turnstile_window's columns and key (V3__turnstile_facts.sql)
            s.execute(
                    "CREATE TABLE "
                            + TABLE
                            + " (window_start TIMESTAMP NOT NULL, window_end TIMESTAMP NOT NULL,"
                            + " ca TEXT NOT NULL, unit TEXT NOT NULL, scp TEXT NOT NULL,"
                            + " station TEXT NOT NULL, linename TEXT NOT NULL,"
                            + " division TEXT NOT NULL, reading_date DATE NOT NULL,"
                            + " description TEXT NOT NULL, entries BIGINT NOT NULL,"
                            + " exits BIGINT NOT NULL, readings BIGINT NOT NULL,"
                            + " loaded_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
                            + " PRIMARY KEY (window_start, window_end, ca, unit, scp, station,"
                            + " linename, division, reading_date, description))");
        }
        Path dir = Files.createDirectories(work.resolve("spark"));
        Path resultFile = dir.resolve("result.properties");
        Path log = dir.resolve("spark.log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_ARGS);
        command.add("-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp")));
        command.add("-cp");
        command.add(target.resolve("classes") + ":" + Files.readString(classpathFile).strip());
        command.add(MAIN);
        command.add("bootstrap=" + bootstrap);
        command.add("topic=" + topic);
        command.add("expected=" + expected);
        command.add("jdbc-url=" + jdbcUrl);
        command.add("user=" + user);
        command.add("password=" + password);
        command.add("table=" + TABLE);
        command.add("checkpoint=" + dir.resolve("checkpoint"));
        command.add("result=" + resultFile);
        settings.forEach((key, value) -> command.add(key + "=" + value));

        System.out.println("bench: running the Spark baseline (log: " + log + ")");
        double cpu = Cpu.seconds();
        long start = System.nanoTime();
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        try {
            if (!process.waitFor(2, TimeUnit.HOURS)) {
                throw new IllegalStateException("the Spark baseline did not finish in 2 hours");
            }
        } finally {
            process.destroyForcibly();
        }
        double processSeconds = (System.nanoTime() - start) / 1e9;
        double brokerCpu = Cpu.seconds() - cpu;
        if (process.exitValue() != 0 || !Files.isRegularFile(resultFile)) {
            throw new IllegalStateException(
                    "the Spark baseline failed (exit "
                            + process.exitValue()
                            + "); the end of "
                            + log
                            + ":\n"
                            + tail(log, 40));
        }
        Properties counts = new Properties();
        try (Reader r = Files.newBufferedReader(resultFile)) {
            counts.load(r);
        }
        long rows;
        try (Connection c = warehouse.open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + TABLE)) {
            rs.next();
            rows = rs.getLong(1);
        }
        return new Result(
                Double.parseDouble(counts.getProperty("seconds")),
                Double.parseDouble(counts.getProperty("cpuSeconds")),
                brokerCpu,
                processSeconds,
                counts,
                rows);
    }

    private static String tail(Path log, int lines) throws IOException {
        if (!Files.exists(log)) {
            return "(no log)";
        }
        List<String> all = Files.readAllLines(log);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
