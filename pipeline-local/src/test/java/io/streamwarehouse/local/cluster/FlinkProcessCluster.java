package io.streamwarehouse.local.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * A standalone Flink session cluster of separate JVM processes, started the way Flink's own scripts
 * start one: {@code deploy/flink/config.yaml} as the configuration, the JVM memory flags Flink
 * derives from it, and only the jars of a Flink distribution on the classpath, so the pipeline's
 * classes reach the cluster only inside the job jar a test submits.
 *
 * <p>Test-only overrides (ports, directories, slot count, faster heartbeats) go in as {@code -D}
 * dynamic properties, which is also how Flink's scripts pass per-process settings.
 */
final class FlinkProcessCluster implements AutoCloseable {

    /**
     * What a Flink distribution has in lib/ (flink-dist is those modules and their dependencies):
     * Flink's own modules except connectors and test utilities, Flink's shaded libraries, and the
     * third-party libraries Flink itself needs. Connectors, drivers and the pipeline's classes are
     * left out: they must come from the job jar.
     */
    private static final Pattern DISTRIBUTION_JAR =
            Pattern.compile(
                    "^(flink-(?!connector-(?!datagen)|sql-connector-|cdc-|test-utils|.*-tests\\.jar)"
                            + "[a-z0-9-]+-1\\.20\\.\\d+\\.jar"
                            + "|flink-shaded-.+\\.jar|frocksdbjni-.+\\.jar"
                            + "|kryo-.+|minlog-.+|objenesis-.+|chill-java-.+"
                            + "|commons-(collections|lang3|text|math3|io|cli|compress)-\\d.+"
                            + "|snakeyaml-engine-.+|slf4j-api-.+|log4j-(api|core|slf4j-impl)-.+"
                            + "|jsr305-.+|lz4-java-.+|snappy-java-.+|xz-.+|zstd-jni-.+"
                            + "|javassist-.+|async-profiler-.+|icu4j-.+)$");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Path home;
    private final Path confDir;
    private final Path logDir;
    private final List<String> classpath;
    private final Map<String, String> settings;
    private final Map<String, String> jobManagerEnvironment;
    private final int restPort;
    private final List<TaskManager> taskManagers = new ArrayList<>();
    private Process jobManager;
    private final Thread shutdownHook = new Thread(this::destroyAll, "flink-process-cluster-stop");

    /** A TaskManager process with the Prometheus port it reports on. */
    record TaskManager(String resourceId, Process process, int prometheusPort) {}

    private FlinkProcessCluster(
            Path home,
            Map<String, String> settings,
            Map<String, String> jobManagerEnvironment,
            int restPort) {
        this.home = home;
        this.confDir = home.resolve("conf");
        this.logDir = home.resolve("log");
        this.settings = settings;
        this.jobManagerEnvironment = jobManagerEnvironment;
        this.restPort = restPort;
        this.classpath = distributionClasspath();
    }

    /**
     * Starts a JobManager and one TaskManager and returns once the TaskManager has registered.
     *
     * @param baseConfig the config.yaml the cluster runs with (the one users deploy)
     * @param slots task slots per TaskManager
     * @param jobManagerEnvironment extra environment of the JobManager, where job main methods run:
     *     the {@code PIPELINE_*} variables a Kubernetes secret would provide
     */
    static FlinkProcessCluster start(
            Path home, Path baseConfig, int slots, Map<String, String> jobManagerEnvironment)
            throws IOException {
        for (String dir : List.of("conf", "log", "tmp", "data")) {
            Files.createDirectories(home.resolve(dir));
        }
        Files.copy(baseConfig, home.resolve("conf/config.yaml"));
        Files.writeString(
                home.resolve("conf/log4j.properties"),
                String.join(
                        "\n",
                        "rootLogger.level = INFO",
                        "rootLogger.appenderRef.file.ref = File",
                        "appender.file.name = File",
                        "appender.file.type = File",
                        "appender.file.fileName = ${sys:log.file}",
                        "appender.file.layout.type = PatternLayout",
                        "appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-50c{1.} - %m%n",
                        "logger.kafka.name = org.apache.kafka",
                        "logger.kafka.level = WARN",
                        ""));
        int restPort = freePort();
        Map<String, String> settings = new LinkedHashMap<>();
        // one machine: everything on the loopback interface, on free ports
        settings.put("jobmanager.rpc.address", "localhost");
        settings.put("jobmanager.bind-host", "localhost");
        settings.put("jobmanager.rpc.port", String.valueOf(freePort()));
        settings.put("taskmanager.bind-host", "localhost");
        settings.put("taskmanager.host", "localhost");
        settings.put("rest.address", "localhost");
        settings.put("rest.bind-address", "localhost");
        settings.put("rest.port", String.valueOf(restPort));
        settings.put("taskmanager.numberOfTaskSlots", String.valueOf(slots));
        Path data = home.resolve("data");
        settings.put("execution.checkpointing.dir", data.resolve("checkpoints").toUri().toString());
        settings.put(
                "execution.checkpointing.savepoint-dir",
                data.resolve("savepoints").toUri().toString());
        settings.put("web.upload.dir", data.resolve("jars").toString());
        settings.put("web.tmpdir", home.resolve("tmp").toString());
        settings.put("io.tmp.dirs", home.resolve("tmp").toString());
        // Speed only: a killed TaskManager is noticed within seconds instead of tens of seconds,
        // and the metrics the test reads over REST are at most a second old.
        settings.put("heartbeat.interval", "1 s");
        settings.put("heartbeat.timeout", "5 s");
        settings.put("metrics.fetcher.update-interval", "1 s");
        FlinkProcessCluster cluster =
                new FlinkProcessCluster(home, settings, jobManagerEnvironment, restPort);
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        cluster.startJobManager();
        cluster.startTaskManager();
        return cluster;
    }

    String restUrl() {
        return "http://localhost:" + restPort;
    }

    Path home() {
        return home;
    }

    List<String> classpath() {
        return classpath;
    }

    /** The effective configuration of a process: the config file plus the test's overrides. */
    Configuration configuration(Map<String, String> processSettings) {
        Configuration dynamic = new Configuration();
        settings.forEach(dynamic::setString);
        processSettings.forEach(dynamic::setString);
        return GlobalConfiguration.loadConfiguration(confDir.toString(), dynamic);
    }

    private void startJobManager() throws IOException {
        int prometheusPort = freePort();
        Map<String, String> own = Map.of("metrics.reporter.prom.port", "" + prometheusPort);
        Configuration config = configuration(own);
        JobManagerProcessSpec spec =
                JobManagerProcessUtils.processSpecFromConfigWithNewOptionToInterpretLegacyHeap(
                        config, JobManagerOptions.TOTAL_PROCESS_MEMORY);
        List<String> command =
                javaCommand(
                        "jobmanager",
                        JobManagerProcessUtils.generateJvmParametersStr(spec, config),
                        "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                        own,
                        JobManagerProcessUtils.generateDynamicConfigsStr(spec));
        ProcessBuilder builder = processBuilder(command, "jobmanager");
        builder.environment().putAll(jobManagerEnvironment);
        jobManager = builder.start();
        await(
                Duration.ofSeconds(90),
                () -> restAnswers() || !jobManager.isAlive(),
                "the JobManager's REST API");
        if (!jobManager.isAlive()) {
            throw new IllegalStateException("JobManager exited:\n" + logTail("jobmanager", 60));
        }
    }

    /** Starts another TaskManager and waits until the JobManager knows it. */
    TaskManager startTaskManager() throws IOException {
        int before = taskManagerCount();
        String resourceId = "tm-" + (taskManagers.size() + 1);
        int prometheusPort = freePort();
        Map<String, String> own =
                Map.of(
                        "metrics.reporter.prom.port",
                        "" + prometheusPort,
                        "taskmanager.resource-id",
                        resourceId);
        Configuration config = configuration(own);
        TaskExecutorProcessSpec spec =
                TaskExecutorProcessUtils.processSpecFromConfig(
                        TaskExecutorProcessUtils
                                .getConfigurationMapLegacyTaskManagerHeapSizeToConfigOption(
                                        config, TaskManagerOptions.TOTAL_PROCESS_MEMORY));
        List<String> command =
                javaCommand(
                        resourceId,
                        ProcessMemoryUtils.generateJvmParametersStr(spec),
                        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                        own,
                        TaskExecutorProcessUtils.generateDynamicConfigsStr(spec));
        Process process = processBuilder(command, resourceId).start();
        TaskManager taskManager = new TaskManager(resourceId, process, prometheusPort);
        taskManagers.add(taskManager);
        await(
                Duration.ofSeconds(90),
                () -> taskManagerCount() > before || !process.isAlive(),
                "TaskManager " + resourceId + " to register");
        if (!process.isAlive()) {
            throw new IllegalStateException(resourceId + " exited:\n" + logTail(resourceId, 60));
        }
        return taskManager;
    }

    /**
     * Kills a TaskManager the hard way (SIGKILL): no shutdown hooks, no goodbye to the JobManager.
     */
    void kill(TaskManager taskManager) throws InterruptedException {
        taskManager.process().destroyForcibly();
        if (!taskManager.process().waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(taskManager.resourceId() + " did not die");
        }
    }

    List<TaskManager> taskManagers() {
        return List.copyOf(taskManagers);
    }

    int taskManagerCount() {
        try {
            return get("/overview").path("taskmanagers").asInt();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private boolean restAnswers() {
        try {
            get("/overview");
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    JsonNode get(String path) {
        return send(HttpRequest.newBuilder(URI.create(restUrl() + path)).GET());
    }

    JsonNode patch(String path) {
        return send(
                HttpRequest.newBuilder(URI.create(restUrl() + path))
                        .method("PATCH", HttpRequest.BodyPublishers.noBody()));
    }

    private static JsonNode send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response =
                    HTTP.send(
                            request.timeout(Duration.ofSeconds(30)).build(),
                            HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(
                        "HTTP " + response.statusCode() + ": " + response.body());
            }
            return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The plain text the Prometheus reporter of a process serves. */
    static String prometheus(int port) {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(
                                            URI.create("http://localhost:" + port + "/metrics"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String jobState(String jobId) {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /**
     * Whether the job is RUNNING with every subtask RUNNING (so every one restored its state). The
     * per-vertex subtask counts decide: a vertex is RUNNING once one of its subtasks is.
     */
    boolean allTasksRunning(String jobId) {
        JsonNode job = get("/jobs/" + jobId);
        if (!"RUNNING".equals(job.path("state").asText()) || job.path("vertices").isEmpty()) {
            return false;
        }
        for (JsonNode vertex : job.path("vertices")) {
            int running = vertex.path("tasks").path("RUNNING").asInt();
            if (running != vertex.path("parallelism").asInt()) {
                return false;
            }
        }
        return true;
    }

    long completedCheckpoints(String jobId) {
        return get("/jobs/" + jobId + "/checkpoints").path("counts").path("completed").asLong();
    }

    /**
     * A metric summed over all subtasks of every vertex whose metric id ends in {@code .name}, or
     * -1 if no vertex reports it (yet).
     */
    long metricSum(String jobId, String name) {
        long sum = -1;
        for (JsonNode vertex : get("/jobs/" + jobId).path("vertices")) {
            String base = "/jobs/" + jobId + "/vertices/" + vertex.path("id").asText();
            List<String> ids = new ArrayList<>();
            for (JsonNode metric : get(base + "/subtasks/metrics")) {
                String id = metric.path("id").asText();
                if (id.equals(name) || id.endsWith("." + name)) {
                    ids.add(id);
                }
            }
            if (ids.isEmpty()) {
                continue;
            }
            String query = URLEncoder.encode(String.join(",", ids), StandardCharsets.UTF_8);
            for (JsonNode value : get(base + "/subtasks/metrics?agg=sum&get=" + query)) {
                sum = Math.max(sum, 0) + Math.round(value.path("sum").asDouble());
            }
        }
        return sum;
    }

    /** The TaskManagers the job's subtasks run on. */
    List<String> taskManagersOf(String jobId) {
        List<String> ids = new ArrayList<>();
        for (JsonNode vertex : get("/jobs/" + jobId).path("vertices")) {
            for (JsonNode subtask :
                    get("/jobs/" + jobId + "/vertices/" + vertex.path("id").asText())
                            .path("subtasks")) {
                String tm = subtask.path("taskmanager-id").asText();
                if (!ids.contains(tm)) {
                    ids.add(tm);
                }
            }
        }
        return ids;
    }

    /** The last lines of a process's log file, for failure messages. */
    String logTail(String process, int lines) {
        Path log = logDir.resolve(process + ".log");
        Path out = logDir.resolve(process + ".out");
        StringBuilder tail = new StringBuilder();
        for (Path file : List.of(out, log)) {
            if (Files.exists(file)) {
                try {
                    List<String> all = Files.readAllLines(file);
                    tail.append("---- ").append(file).append('\n');
                    all.subList(Math.max(0, all.size() - lines), all.size())
                            .forEach(l -> tail.append(l).append('\n'));
                } catch (IOException e) {
                    tail.append("(unreadable: ").append(e).append(")\n");
                }
            }
        }
        return tail.toString();
    }

    /** Polls until the condition holds; fails with what was awaited after the timeout. */
    static void await(Duration timeout, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private List<String> javaCommand(
            String name,
            String memoryFlags,
            String mainClass,
            Map<String, String> own,
            String memoryDynamicConfigs) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(memoryFlags.trim().split("\\s+")));
        // the --add-opens/--add-exports flags this JVM runs with (flink.jvm.opens in the pom)
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("--add-exports"))
                .forEach(command::add);
        command.add("-Djava.io.tmpdir=" + home.resolve("tmp"));
        command.add("-Dlog.file=" + logDir.resolve(name + ".log"));
        command.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties").toUri());
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classpath));
        command.add(mainClass);
        command.add("--configDir");
        command.add(confDir.toString());
        Map<String, String> dynamic = new LinkedHashMap<>(settings);
        dynamic.putAll(own);
        dynamic.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(Arrays.asList(memoryDynamicConfigs.trim().split("\\s+")));
        return command;
    }

    private ProcessBuilder processBuilder(List<String> command, String name) {
        ProcessBuilder builder = new ProcessBuilder(command);
        // Nothing of the test JVM's own configuration leaks into the cluster's processes.
        builder.environment().keySet().removeIf(k -> k.startsWith("PIPELINE_"));
        builder.redirectErrorStream(true);
        builder.redirectOutput(logDir.resolve(name + ".out").toFile());
        return builder;
    }

    static List<String> distributionClasspath() {
        List<String> jars =
                Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                        .filter(
                                p ->
                                        DISTRIBUTION_JAR
                                                .matcher(Path.of(p).getFileName().toString())
                                                .matches())
                        .collect(Collectors.toList());
        String runtime = "flink-runtime-" + EnvironmentInformation.getVersion();
        if (jars.stream().noneMatch(j -> j.contains(runtime))) {
            throw new IllegalStateException("no flink-runtime on the test classpath");
        }
        return jars;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void destroyAll() {
        for (TaskManager tm : taskManagers) {
            stop(tm.process());
        }
        if (jobManager != null) {
            stop(jobManager);
        }
    }

    private static void stop(Process process) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        destroyAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }
}
