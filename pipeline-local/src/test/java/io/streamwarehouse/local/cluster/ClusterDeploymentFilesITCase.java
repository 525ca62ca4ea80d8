package io.streamwarehouse.local.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.config.PipelineOptions;
import io.streamwarehouse.customer.source.SourceDialect;
import io.streamwarehouse.customer.source.SourceSchema;
import io.streamwarehouse.jobs.Jobs;
import io.streamwarehouse.local.services.MariaDbExtension;
import io.streamwarehouse.local.services.PostgresExtension;
import io.streamwarehouse.samples.customer.SakilaSampleData;
import io.streamwarehouse.warehouse.Migrations;
import io.streamwarehouse.warehouse.WarehouseConnection;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The deployment files without a cluster: the scripts' help and their errors when no cluster
 * answers, the Flink configuration as Flink itself reads it, the docker-compose file, the
 * Kubernetes manifests, and the tools the compose file runs.
 */
class ClusterDeploymentFilesITCase {
    @RegisterExtension static final MariaDbExtension MARIADB = new MariaDbExtension();
    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final List<String> SCRIPTS =
            List.of(
                    "submit.sh",
                    "status.sh",
                    "stop.sh",
                    "savepoint.sh",
                    "upgrade.sh",
                    "rescale.sh");

    private final Path root = DeployScripts.projectRoot();

    @Test
    void everyScriptExplainsItself() throws Exception {
        DeployScripts scripts = new DeployScripts(root, "http://127.0.0.1:1");
        for (String script : SCRIPTS) {
            DeployScripts.Result help = scripts.run(script, "--help");
            assertThat(help.exitCode()).as(script).isZero();
            assertThat(help.stdout())
                    .as(script)
                    .contains("Usage: " + script)
                    .contains("--rest URL");
        }
        DeployScripts.Result unknown = scripts.run("submit.sh", "--bogus");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.stderr()).contains("unknown option --bogus");
    }

    @Test
    void anUnreachableClusterIsNamedAndNothingIsPrinted() throws Exception {
        String rest = "http://127.0.0.1:" + FlinkProcessCluster.freePort();
        DeployScripts scripts = new DeployScripts(root, rest);
        List<List<String>> calls =
                List.of(
                        List.of("submit.sh", "turnstile-aggregates"),
                        List.of("status.sh"),
                        List.of("stop.sh", "turnstile-aggregates"),
                        List.of("savepoint.sh", "turnstile-aggregates"),
                        List.of("upgrade.sh", "turnstile-aggregates"),
                        List.of("rescale.sh", "--parallelism", "2", "turnstile-aggregates"));
        for (List<String> call : calls) {
            DeployScripts.Result result = scripts.run(call.get(0), call.subList(1, call.size()));
            assertThat(result.exitCode()).as(call.toString()).isEqualTo(1);
            assertThat(result.stderr())
                    .as(call.toString())
                    .contains("cannot reach the Flink REST API at " + rest);
            assertThat(result.stdout()).as(call.toString()).isEmpty();
        }
    }

    /**
     * A REST call that fails, or answers what is not Flink's JSON (a proxy's error page), ends the
     * scripts with what failed in a line, never with a Python traceback.
     */
    @Test
    void aFailingRestCallIsOneLineNotATraceback() throws Exception {
        String job = "a".repeat(32);
        try (StubRest stub = new StubRest()) {
            stub.answer("GET /overview", 200, OVERVIEW);
            stub.answer("GET /jobs/overview", 200, jobsOverview(job));
            stub.answer("GET /jobs/" + job, 500, "{\"errors\":[\"Internal server error.\"]}");
            stub.answer(
                    "POST /jobs/" + job + "/savepoints",
                    500,
                    "{\"errors\":[\"Internal server error.\"]}");
            DeployScripts scripts = new DeployScripts(root, stub.url());
            DeployScripts.Result savepoint = scripts.run("savepoint.sh", "turnstile-aggregates");
            assertOneLineFailure(savepoint, "POST /jobs/" + job + "/savepoints answered HTTP 500");

            stub.answer("GET /jobs/overview", 200, "<html><body>502 Bad Gateway</body></html>");
            DeployScripts.Result status = scripts.run("status.sh");
            assertOneLineFailure(status, "unexpected answer from the Flink REST API");
            assertThat(status.stderr()).contains("502 Bad Gateway");

            stub.answer("GET /jobs/overview", 200, jobsOverview(job));
            stub.answer("GET /jobs/" + job, 200, "{\"jid\": \"" + job + "\"}");
            DeployScripts.Result details = scripts.run("status.sh", job);
            assertThat(details.stderr()).doesNotContain("Traceback");
            assertThat(details.stderr()).contains("unexpected answer from the Flink REST API");
        }
    }

    /**
     * A vertex counts as RUNNING as soon as one of its subtasks runs; submit.sh waits until every
     * subtask does (each has then restored its state).
     */
    @Test
    void submitWaitsForEverySubtask() throws Exception {
        String job = "b".repeat(32);
        try (StubRest stub = new StubRest()) {
            stub.answer("GET /overview", 200, OVERVIEW);
            stub.answer("POST /jars/the-jar/run", 200, "{\"jobid\": \"" + job + "\"}");
            stub.answer("GET /jobs/" + job, 200, jobDetails(job, 1, 1));
            DeployScripts scripts = new DeployScripts(root, stub.url());
            List<String> args =
                    List.of("--jar-id", "the-jar", "--timeout", "3", "turnstile-aggregates");
            DeployScripts.Result half = scripts.run("submit.sh", args);
            assertThat(half.exitCode()).as(half.toString()).isEqualTo(1);
            assertThat(half.stderr()).contains("not all subtasks RUNNING").contains("(1 not yet)");

            stub.answer("GET /jobs/" + job, 200, jobDetails(job, 2, 0));
            DeployScripts.Result all = scripts.run("submit.sh", args);
            assertThat(all.exitCode()).as(all.toString()).isZero();
            assertThat(all.value()).isEqualTo(job);
        }
    }

    /**
     * The compose submitter's choice among what a shared volume holds: the newest complete state of
     * this job, a savepoint included, never an unfinished checkpoint or another job's state.
     */
    @Test
    void composeSubmitterResumesFromTheNewestStateOfItsOwnJob(@TempDir Path data) throws Exception {
        String ownRun = "1".repeat(32);
        String otherRun = "2".repeat(32);
        Path checkpoints = data.resolve("checkpoints");
        Path savepoints = data.resolve("savepoints");
        long now = System.currentTimeMillis();
        state(checkpoints.resolve("turnstile-aggregates/" + ownRun + "/chk-7"), now - 50_000);
        Path savepoint = state(savepoints.resolve("savepoint-111111-0a1b2c3d4e5f"), now - 40_000);
        // newer, but not this job's: another job's checkpoint and a savepoint of another job id
        state(checkpoints.resolve("customer-dimension/" + otherRun + "/chk-9"), now - 30_000);
        state(savepoints.resolve("savepoint-222222-0a1b2c3d4e5f"), now - 20_000);
        // newer, but unfinished: no _metadata yet
        Files.createDirectories(checkpoints.resolve("turnstile-aggregates/" + ownRun + "/chk-8"));

        String job = "c".repeat(32);
        Path jar = Files.writeString(data.resolve("pipeline-jobs-job.jar"), "not really a jar");
        Map<String, String> env =
                Map.of(
                        "JOBS",
                        "turnstile-aggregates",
                        "PIPELINE_JOB_JAR",
                        jar.toString(),
                        "RESUME_CHECKPOINT_DIR",
                        checkpoints + "/{job}",
                        "RESUME_SAVEPOINT_DIR",
                        savepoints.toString());
        try (StubRest stub = new StubRest()) {
            stub.answer("GET /overview", 200, OVERVIEW);
            stub.answer("GET /jobs/overview", 200, "{\"jobs\": []}");
            stub.answer("POST /jars/upload", 200, "{\"filename\": \"/x/the-jar\"}");
            stub.answer("POST /jars/the-jar/run", 200, "{\"jobid\": \"" + job + "\"}");
            stub.answer("GET /jobs/" + job, 200, jobDetails(job, 2, 0));
            DeployScripts scripts = new DeployScripts(root, stub.url());
            DeployScripts.Result result = scripts.run(env, "compose/submit-jobs.sh", List.of());
            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.stderr())
                    .contains("turnstile-aggregates: resuming from " + savepoint + ",");
            JsonNode run = new ObjectMapper().readTree(stub.received("POST /jars/the-jar/run"));
            assertThat(run.path("savepointPath").asText()).isEqualTo(savepoint.toString());
            assertThat(run.path("allowNonRestoredState").asBoolean()).isFalse();
            assertThat(run.path("programArgsList").get(0).asText())
                    .isEqualTo("turnstile-aggregates");

            // with nothing of its own left, the job starts empty, and the log says so
            try (var files = Files.walk(checkpoints.resolve("turnstile-aggregates"))) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            DeployScripts.Result empty = scripts.run(env, "compose/submit-jobs.sh", List.of());
            assertThat(empty.exitCode()).as(empty.toString()).isZero();
            assertThat(empty.stderr())
                    .contains("turnstile-aggregates: no retained checkpoint or savepoint");
            assertThat(stub.received("POST /jars/the-jar/run")).doesNotContain("savepointPath");
        }
    }

    /** A complete checkpoint or savepoint directory whose _metadata was written at that time. */
    private static Path state(Path dir, long writtenAt) throws IOException {
        Path metadata = Files.createDirectories(dir).resolve("_metadata");
        Files.writeString(metadata, "metadata");
        Files.setLastModifiedTime(metadata, java.nio.file.attribute.FileTime.fromMillis(writtenAt));
        return dir;
    }

    private static final String OVERVIEW =
            "{\"flink-version\": \""
                    + EnvironmentInformation.getVersion()
                    + "\", \"taskmanagers\": 1, \"slots-available\": 1,"
                    + " \"slots-total\": 2, \"jobs-running\": 1}";

    private static String jobsOverview(String job) {
        return "{\"jobs\": [{\"jid\": \""
                + job
                + "\", \"name\": \"turnstile-aggregates\", \"state\": \"RUNNING\","
                + " \"start-time\": 1700000000000, \"duration\": 1000}]}";
    }

    /**
     * A RUNNING job whose one vertex (parallelism 2) has this many subtasks running / deploying.
     */
    private static String jobDetails(String job, int running, int initializing) {
        return "{\"jid\": \""
                + job
                + "\", \"name\": \"turnstile-aggregates\", \"state\": \"RUNNING\","
                + " \"status-counts\": {\"RUNNING\": 1, \"CREATED\": 0},"
                + " \"vertices\": [{\"id\": \"v1\", \"name\": \"source\", \"parallelism\": 2,"
                + " \"status\": \"RUNNING\", \"tasks\": {\"RUNNING\": "
                + running
                + ", \"INITIALIZING\": "
                + initializing
                + ", \"DEPLOYING\": 0, \"FINISHED\": 0}}]}";
    }

    private static void assertOneLineFailure(DeployScripts.Result result, String what) {
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.stdout()).as(result.toString()).isEmpty();
        assertThat(result.stderr())
                .as(result.toString())
                .doesNotContain("Traceback")
                .contains(what);
        long errorLines = result.stderr().lines().filter(l -> l.contains("error:")).count();
        assertThat(errorLines).as(result.toString()).isBetween(1L, 2L);
    }

    /** An HTTP server answering fixed bodies per "METHOD /path", 404 otherwise. */
    private static final class StubRest implements AutoCloseable {
        private final com.sun.net.httpserver.HttpServer server;
        private final Map<String, Map.Entry<Integer, String>> answers =
                new java.util.concurrent.ConcurrentHashMap<>();
        private final Map<String, String> received = new java.util.concurrent.ConcurrentHashMap<>();

        StubRest() throws IOException {
            server =
                    com.sun.net.httpserver.HttpServer.create(
                            new java.net.InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext(
                    "/",
                    exchange -> {
                        byte[] request = exchange.getRequestBody().readAllBytes();
                        String key =
                                exchange.getRequestMethod()
                                        + " "
                                        + exchange.getRequestURI().getPath();
                        received.put(key, new String(request, StandardCharsets.UTF_8));
                        var answer =
                                answers.getOrDefault(
                                        key,
                                        Map.entry(
                                                404, "{\"errors\":[\"Not found: " + key + "\"]}"));
                        byte[] body = answer.getValue().getBytes(StandardCharsets.UTF_8);
                        exchange.sendResponseHeaders(answer.getKey(), body.length);
                        exchange.getResponseBody().write(body);
                        exchange.close();
                    });
            server.start();
        }

        /** The body of the last request of this kind, or null. */
        String received(String request) {
            return received.get(request);
        }

        void answer(String request, int status, String body) {
            answers.put(request, Map.entry(status, body));
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /**
     * A REST API behind authentication (a proxy, or Flink's own mutual TLS) answers nothing without
     * credentials; the scripts take theirs from a curl config file, not from their arguments.
     */
    @Test
    void scriptsAuthenticateWithTheCurlConfigFile(@TempDir Path dir) throws Exception {
        String credentials = "ops:" + UUID.randomUUID();
        String expected =
                "Basic "
                        + Base64.getEncoder()
                                .encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(
                "/",
                exchange -> {
                    boolean admitted =
                            expected.equals(exchange.getRequestHeaders().getFirst("Authorization"));
                    String path = exchange.getRequestURI().getPath();
                    String body =
                            !admitted
                                    ? "{\"errors\":[\"authentication required\"]}"
                                    : path.equals("/overview")
                                            ? "{\"flink-version\":\""
                                                    + EnvironmentInformation.getVersion()
                                                    + "\",\"taskmanagers\":1,"
                                                    + "\"slots-total\":2,\"slots-available\":2,"
                                                    + "\"jobs-running\":0}"
                                            : path.equals("/jobs/overview")
                                                    ? "{\"jobs\":[]}"
                                                    : "{}";
                    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(admitted ? 200 : 401, bytes.length);
                    exchange.getResponseBody().write(bytes);
                    exchange.close();
                });
        server.start();
        try {
            String rest = "http://127.0.0.1:" + server.getAddress().getPort();
            DeployScripts.Result refused = new DeployScripts(root, rest).run("status.sh");
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
            assertThat(refused.stderr()).contains("HTTP 401");

            Path curlConfig =
                    Files.createFile(
                            dir.resolve("flink-rest.curl"),
                            PosixFilePermissions.asFileAttribute(
                                    PosixFilePermissions.fromString("rw-------")));
            Files.writeString(curlConfig, "user = \"" + credentials + "\"\n");
            DeployScripts.Result admitted =
                    new DeployScripts(
                                    root,
                                    rest,
                                    Map.of("FLINK_REST_CURL_CONFIG", curlConfig.toString()))
                            .run("status.sh");
            assertThat(admitted.exitCode()).as(admitted.toString()).isZero();
            assertThat(admitted.stdout()).contains("1 TaskManager(s)");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void flinkReadsTheClusterConfigurationAsDocumented() throws Exception {
        Configuration config =
                GlobalConfiguration.loadConfiguration(root.resolve("deploy/flink").toString());
        assertThat(config.toMap())
                .containsEntry("state.backend.type", "rocksdb")
                .containsEntry("execution.checkpointing.incremental", "true")
                .containsEntry("execution.checkpointing.mode", "EXACTLY_ONCE")
                .containsEntry(
                        "execution.checkpointing.externalized-checkpoint-retention",
                        "RETAIN_ON_CANCELLATION")
                .containsEntry("restart-strategy.type", "exponential-delay")
                .containsEntry("execution.checkpointing.dir", "file:///flink-data/checkpoints")
                .containsEntry(
                        "execution.checkpointing.savepoint-dir", "file:///flink-data/savepoints");
        Class.forName(config.toMap().get("metrics.reporter.prom.factory.class"));
        // the Java 17 flags the build's own Flink JVMs need are all in the deployed ones
        String javaOpts = config.toMap().get("env.java.opts.all");
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("--add-exports"))
                .forEach(flag -> assertThat(javaOpts).contains(flag));

        // the sizing the comments document is what Flink derives from the file
        TaskExecutorProcessSpec tm =
                TaskExecutorProcessUtils.processSpecFromConfig(
                        TaskExecutorProcessUtils
                                .getConfigurationMapLegacyTaskManagerHeapSizeToConfigOption(
                                        config, TaskManagerOptions.TOTAL_PROCESS_MEMORY));
        String text = Files.readString(root.resolve("deploy/flink/config.yaml"));
        assertThat(text)
                .contains("managed memory " + mebibytes(tm.getManagedMemorySize()) + " MiB")
                .contains("task heap " + mebibytes(tm.getTaskHeapSize()) + " MiB")
                .contains("network buffers " + mebibytes(tm.getNetworkMemSize()) + " MiB")
                .contains(
                        "about "
                                + mebibytes(tm.getManagedMemorySize()) / tm.getNumSlots()
                                + " MiB per slot");
        assertThat(tm.getNumSlots()).isEqualTo(2);
        JobManagerProcessUtils.processSpecFromConfigWithNewOptionToInterpretLegacyHeap(
                config, JobManagerOptions.TOTAL_PROCESS_MEMORY);
    }

    @Test
    void composeFileRunsTheWholeProduct() throws Exception {
        Map<String, Object> compose = yaml(root.resolve("docker-compose.yml"));
        Map<String, Map<String, Object>> services = new java.util.LinkedHashMap<>();
        map(compose.get("services"))
                .forEach((name, service) -> services.put(name, merged(service)));
        assertThat(services)
                .containsKeys(
                        "mysql",
                        "sakila-sample",
                        "postgres",
                        "migrate",
                        "kafka",
                        "kafka-topic",
                        "jobmanager",
                        "taskmanager",
                        "submit-jobs",
                        "replay-turnstile");
        // the images follow the one Flink version of the build (flink.version in the pom)
        assertThat(services.get("jobmanager").get("image")).isEqualTo(flinkImage());
        assertThat(services.get("taskmanager").get("image")).isEqualTo(flinkImage());
        assertThat(Files.readString(root.resolve("deploy/k8s/Dockerfile")))
                .contains("FROM " + flinkImage() + "\n");
        assertThat(services.get("kafka").get("image").toString()).startsWith("apache/kafka:");
        assertThat(services.get("mysql").get("image").toString()).startsWith("mysql:8");
        // every file the compose file mounts from the repository exists
        for (Map<String, Object> service : services.values()) {
            for (Object volume : list(service.get("volumes"))) {
                String hostPath = volume.toString().split(":")[0];
                if (hostPath.startsWith("./")) {
                    assertThat(root.resolve(hostPath)).as(volume.toString()).exists();
                }
            }
        }
        // every PIPELINE_* variable names a configuration key the jobs know
        assertKnownSettings(map(services.get("jobmanager").get("environment")).keySet());
        assertKnownSettings(map(services.get("migrate").get("environment")).keySet());

        Path dockerCompose = onPath("docker-compose");
        assumeTrue(
                dockerCompose != null,
                "docker-compose is not installed, so `docker-compose config` did not validate"
                        + " docker-compose.yml (apt-get install docker-compose)");
        ProcessBuilder config =
                new ProcessBuilder(
                                dockerCompose.toString(),
                                "-f",
                                "docker-compose.yml",
                                "config",
                                "-q")
                        .directory(root.toFile())
                        .redirectErrorStream(true);
        config.environment().put("PWD", root.toString());
        Process process = config.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    /**
     * Where each stateful image keeps its data (its documentation, or the setting that moves it),
     * and that place is a named volume: a container recreated by {@code up} finds its data again.
     */
    @Test
    void composeKeepsEveryServicesDataOnANamedVolume() throws Exception {
        Map<String, Object> compose = yaml(root.resolve("docker-compose.yml"));
        Map<String, Map<String, Object>> services = services(compose);
        Set<String> named = map(compose.get("volumes")).keySet();
        Map<String, String> kafkaEnv = environment(services.get("kafka"));
        // the apache/kafka image's default, /tmp/kraft-combined-logs, is inside the container
        assertThat(kafkaEnv).containsKey("KAFKA_LOG_DIRS");
        Map<String, String> postgresEnv = environment(services.get("postgres"));
        Map<String, String> dataDirs = new java.util.LinkedHashMap<>();
        dataDirs.put("mysql", mysqlDataDir(list(services.get("mysql").get("command"))));
        dataDirs.put("postgres", postgresEnv.getOrDefault("PGDATA", "/var/lib/postgresql/data"));
        dataDirs.put("kafka", kafkaEnv.get("KAFKA_LOG_DIRS"));
        Map<String, String> flink =
                GlobalConfiguration.loadConfiguration(root.resolve("deploy/flink").toString())
                        .toMap();
        String checkpoints = environment(services.get("jobmanager")).get("PIPELINE_CHECKPOINT_DIR");
        for (String service : List.of("jobmanager", "taskmanager")) {
            dataDirs.put(
                    service,
                    Path.of(java.net.URI.create(checkpoints.replace("{job}", "j")))
                            .getParent()
                            .toString());
            for (String dir :
                    List.of(
                            flink.get("execution.checkpointing.dir"),
                            flink.get("execution.checkpointing.savepoint-dir"),
                            "file://" + flink.get("web.upload.dir"))) {
                assertThat(
                                onNamedVolume(
                                        services.get(service),
                                        named,
                                        java.net.URI.create(dir).getPath()))
                        .as(service + " keeps " + dir + " on a named volume")
                        .isTrue();
            }
        }
        dataDirs.forEach(
                (service, dir) ->
                        assertThat(onNamedVolume(services.get(service), named, dir))
                                .as(
                                        service
                                                + " keeps its data directory "
                                                + dir
                                                + " on a named volume")
                                .isTrue());

        // the submitter looks for retained state where the JobManager writes it
        Map<String, Object> submitter = services.get("submit-jobs");
        String resume = environment(submitter).get("RESUME_CHECKPOINT_DIR");
        assertThat("file://" + resume).isEqualTo(checkpoints);
        assertThat(onNamedVolume(submitter, named, resume.replace("{job}", "j"))).isTrue();
        assertThat(
                        onNamedVolume(
                                submitter,
                                named,
                                environment(submitter).get("RESUME_SAVEPOINT_DIR") + "/x"))
                .isTrue();
        assertThat("file://" + environment(submitter).get("RESUME_SAVEPOINT_DIR"))
                .isEqualTo(flink.get("execution.checkpointing.savepoint-dir"));
    }

    /**
     * Every environment variable a service sets is one its image documents (Kafka's: a broker
     * setting Kafka itself knows, in the image's KAFKA_ naming), one a mounted init script reads,
     * or a pipeline setting: a misspelt name is silently ignored by the image.
     */
    @Test
    void composeUsesTheImagesDocumentedEnvironment() throws Exception {
        Map<String, Map<String, Object>> services =
                services(yaml(root.resolve("docker-compose.yml")));
        Set<String> mysql =
                Set.of(
                        "MYSQL_ROOT_PASSWORD",
                        "MYSQL_DATABASE",
                        "MYSQL_USER",
                        "MYSQL_PASSWORD",
                        "MYSQL_ALLOW_EMPTY_PASSWORD",
                        "MYSQL_RANDOM_ROOT_PASSWORD",
                        "MYSQL_ONETIME_PASSWORD",
                        "MYSQL_INITDB_SKIP_TZINFO",
                        "MYSQL_ROOT_HOST");
        Set<String> postgres =
                Set.of(
                        "POSTGRES_PASSWORD",
                        "POSTGRES_USER",
                        "POSTGRES_DB",
                        "POSTGRES_INITDB_ARGS",
                        "POSTGRES_INITDB_WALDIR",
                        "POSTGRES_HOST_AUTH_METHOD",
                        "PGDATA");
        Set<String> flink =
                Set.of(
                        "JOB_MANAGER_RPC_ADDRESS",
                        "FLINK_PROPERTIES",
                        "ENABLE_BUILT_IN_PLUGINS",
                        "TASK_MANAGER_NUMBER_OF_TASK_SLOTS");
        Set<String> kafkaSettings =
                new java.util.HashSet<>(kafka.server.KafkaConfig.configDef().names());
        int checked = 0;
        for (var entry : services.entrySet()) {
            String image = String.valueOf(entry.getValue().get("image"));
            for (String name : environment(entry.getValue()).keySet()) {
                String what = entry.getKey() + " (" + image + "): " + name;
                if (image.startsWith("mysql:")) {
                    if (!mysql.contains(name)) {
                        assertThat(readByAnInitScript(entry.getValue(), name))
                                .as(
                                        what
                                                + " is no MySQL image setting, so an init script must read it")
                                .isTrue();
                    }
                } else if (image.startsWith("postgres:")) {
                    if (!postgres.contains(name)) {
                        assertThat(readByAnInitScript(entry.getValue(), name))
                                .as(
                                        what
                                                + " is no PostgreSQL image setting, so an init script must read it")
                                .isTrue();
                    }
                } else if (image.startsWith("apache/kafka:")) {
                    assertThat(name).as(what).startsWith("KAFKA_");
                    assertThat(kafkaSettings).as(what).contains(kafkaProperty(name));
                } else if (image.startsWith("flink:")) {
                    if (!name.startsWith(PipelineConfig.ENV_PREFIX)) {
                        assertThat(flink).as(what).contains(name);
                    }
                } else {
                    continue;
                }
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(20);
        assertThat(kafkaProperty("KAFKA_LOG_DIRS")).isEqualTo("log.dirs");
        assertThat(kafkaProperty("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"))
                .isEqualTo("listener.security.protocol.map");
    }

    /** The apache/kafka image's rule: KAFKA_ dropped, '___' is '-', '__' is '_', '_' is '.'. */
    private static String kafkaProperty(String env) {
        return env.substring("KAFKA_".length())
                .toLowerCase(java.util.Locale.ROOT)
                .replace("___", "-")
                .replace("__", "%US%")
                .replace('_', '.')
                .replace("%US%", "_");
    }

    private static String mysqlDataDir(List<Object> command) {
        return command.stream()
                .map(Object::toString)
                .filter(a -> a.startsWith("--datadir="))
                .map(a -> a.substring("--datadir=".length()))
                .findFirst()
                .orElse("/var/lib/mysql");
    }

    /** Whether the directory is, or is under, the mount point of a named volume of the service. */
    private static boolean onNamedVolume(
            Map<String, Object> service, Set<String> named, String dir) {
        for (Object volume : list(service.get("volumes"))) {
            String[] parts = volume.toString().split(":");
            if (parts.length >= 2 && named.contains(parts[0])) {
                Path mount = Path.of(parts[1]);
                if (Path.of(dir).normalize().startsWith(mount)) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean readByAnInitScript(Map<String, Object> service, String name)
            throws IOException {
        for (Object volume : list(service.get("volumes"))) {
            String[] parts = volume.toString().split(":");
            if (parts[0].startsWith("./")
                    && parts[1].startsWith("/docker-entrypoint-initdb.d/")
                    && Files.readString(root.resolve(parts[0]))
                            .matches("(?s).*\\$\\{?" + name + "\\b.*")) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, Map<String, Object>> services(Map<String, Object> compose) {
        Map<String, Map<String, Object>> services = new java.util.LinkedHashMap<>();
        map(compose.get("services"))
                .forEach((name, service) -> services.put(name, merged(service)));
        return services;
    }

    private static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        Map<String, Object> raw = new java.util.LinkedHashMap<>(map(service.get("environment")));
        Object base = raw.remove("<<");
        map(base).forEach((k, v) -> env.put(k, String.valueOf(v)));
        raw.forEach((k, v) -> env.put(k, String.valueOf(v)));
        return env;
    }

    @Test
    void kubernetesManifestsUpgradeWithSavepoints() throws Exception {
        Set<String> jobs = new java.util.TreeSet<>();
        for (String job : Jobs.names().split(", ")) {
            Map<String, Object> deployment = yaml(root.resolve("deploy/k8s/" + job + ".yaml"));
            jobs.add(job);
            assertThat(deployment.get("kind")).isEqualTo("FlinkDeployment");
            Map<String, Object> spec = map(deployment.get("spec"));
            assertThat(spec.get("flinkVersion")).isEqualTo("v1_20");
            Map<String, Object> jobSpec = map(spec.get("job"));
            assertThat(jobSpec.get("upgradeMode")).isEqualTo("savepoint");
            assertThat(jobSpec.get("jarURI"))
                    .isEqualTo("local:///opt/flink/usrlib/pipeline-jobs.jar");
            assertThat(list(jobSpec.get("args"))).first().isEqualTo(job);
            assertThat(list(jobSpec.get("args")))
                    .contains("job.parallelism=" + jobSpec.get("parallelism"));
            Map<String, Object> flink = map(spec.get("flinkConfiguration"));
            assertThat(flink.get("execution.checkpointing.dir").toString()).startsWith("s3://");
            assertThat(flink.get("execution.checkpointing.savepoint-dir").toString())
                    .startsWith("s3://");
            String jobManager = deployment.toString();
            assertThat(jobManager).contains("streamwarehouse-credentials");
        }
        assertThat(jobs).containsExactlyInAnyOrder("customer-dimension", "turnstile-aggregates");

        List<Object> examples = new ArrayList<>();
        for (String file : List.of("secret-example.yaml", "pipeline-config.yaml")) {
            new Load(LoadSettings.builder().build())
                    .loadAllFromString(Files.readString(root.resolve("deploy/k8s/" + file)))
                    .forEach(examples::add);
        }
        assertThat(examples).hasSize(3);
        for (Object document : examples) {
            Map<String, Object> resource = map(document);
            Map<String, Object> values =
                    map(
                            resource.containsKey("stringData")
                                    ? resource.get("stringData")
                                    : resource.get("data"));
            Set<String> pipelineKeys =
                    values.keySet().stream()
                            .filter(k -> k.startsWith("PIPELINE_"))
                            .collect(Collectors.toSet());
            assertKnownSettings(pipelineKeys);
        }
    }

    /** The compose file's MySQL init script fills in the grant script's placeholders correctly. */
    @Test
    void composeCreatesTheCdcUserFromTheGrantScript(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("cdc.sql");
        String password = "it's-a-\\secret";
        ProcessBuilder init =
                new ProcessBuilder(
                                "bash",
                                "-c",
                                "docker_process_sql() { cat > \"$OUT\"; }; source deploy/compose/mysql-cdc-user.sh")
                        .directory(root.toFile())
                        .redirectErrorStream(true);
        init.environment().put("OUT", out.toString());
        init.environment()
                .put("CDC_USER_SQL", root.resolve("sql/source/mysql/cdc_user.sql").toString());
        init.environment().put("CDC_USER", "compose_cdc");
        init.environment().put("CDC_PASSWORD", password);
        String database = MARIADB.newDatabase("compose");
        init.environment().put("MYSQL_DATABASE", database);
        Process process = init.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        String sql = Files.readString(out);
        assertThat(sql).doesNotContain("${").contains("'compose_cdc'@'%'");

        // the statements run on a MySQL-family server, and the user can log in with its password
        for (String statement : SourceSchema.statements(sql, SourceDialect.MYSQL)) {
            MARIADB.service().execute(database, statement);
        }
        try (Connection c =
                DriverManager.getConnection(MARIADB.jdbcUrl(database), "compose_cdc", password)) {
            assertThat(c.isValid(5)).isTrue();
        }
    }

    /** A name that would change the SQL is refused before any SQL is written. */
    @Test
    void composeInitScriptsRefuseNamesThatAreNotPlain(@TempDir Path dir) throws Exception {
        Map<String, Map<String, String>> attempts =
                Map.of(
                        "deploy/compose/mysql-cdc-user.sh",
                        Map.of(
                                "CDC_USER", "x'@'%'; DROP DATABASE mysql; --",
                                "CDC_PASSWORD", "p",
                                "MYSQL_DATABASE", "sakila"),
                        "deploy/compose/warehouse-job-user.sh",
                        Map.of(
                                "WAREHOUSE_JOB_USER", "job; DROP ROLE postgres",
                                "WAREHOUSE_JOB_PASSWORD", "p"));
        for (var attempt : attempts.entrySet()) {
            Path out = dir.resolve("out.sql");
            ProcessBuilder init =
                    new ProcessBuilder(
                                    "bash",
                                    "-c",
                                    "docker_process_sql() { cat > \"$OUT\"; }; source "
                                            + attempt.getKey())
                            .directory(root.toFile())
                            .redirectErrorStream(true);
            init.environment().putAll(attempt.getValue());
            init.environment().put("OUT", out.toString());
            Process process = init.start();
            String output =
                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(attempt.getKey() + ": " + output).isEqualTo(1);
            assertThat(out).as(attempt.getKey()).doesNotExist();
        }
    }

    /**
     * The compose file's PostgreSQL init script creates the jobs' login from the documented SQL,
     * with a password that needs escaping, and the login gets the migrations' grants.
     */
    @Test
    void composeCreatesTheWarehouseJobLogin(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("job.sql");
        String password = "it's-a-\\secret-$1";
        ProcessBuilder init =
                new ProcessBuilder(
                                "bash",
                                "-c",
                                "docker_process_sql() { cat > \"$OUT\"; }; source"
                                        + " deploy/compose/warehouse-job-user.sh")
                        .directory(root.toFile())
                        .redirectErrorStream(true);
        init.environment().put("OUT", out.toString());
        init.environment()
                .put("JOB_LOGIN_SQL", root.resolve("sql/warehouse/job_login.sql").toString());
        init.environment().put("WAREHOUSE_JOB_USER", "compose_job");
        init.environment().put("WAREHOUSE_JOB_PASSWORD", password);
        Process process = init.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        String sql = Files.readString(out);
        assertThat(sql).doesNotContain("${job_").contains("ROLE compose_job");

        String database = POSTGRES.newDatabase("compose");
        for (String statement : SourceSchema.statements(sql, SourceDialect.POSTGRES)) {
            POSTGRES.service().execute(database, statement);
        }
        Migrations.apply(
                new WarehouseConnection(
                        POSTGRES.jdbcUrl(database),
                        POSTGRES.service().username(),
                        POSTGRES.service().password(),
                        java.time.Duration.ofSeconds(10)));
        try (Connection c =
                        DriverManager.getConnection(
                                POSTGRES.jdbcUrl(database), "compose_job", password);
                var st = c.createStatement()) {
            st.executeUpdate(
                    "INSERT INTO audit.load_audit (job_name, job_id, target_table, checkpoint_id,"
                            + " subtask, started_at) VALUES ('compose', 'j', 't', 1, 0, now())");
        }
    }

    /** The one-shot tool containers of the compose file run these, from the host's build. */
    @Test
    void composeToolsRunFromTheBuild(@TempDir Path dir) throws Exception {
        Path week = dir.resolve("week.csv");
        assertThat(tool("sample-data", "turnstile-week", week.toString())).isZero();
        assertThat(Files.readAllLines(week)).hasSizeGreaterThan(1000);

        String database = MARIADB.newDatabase("compose_sample");
        try (Connection c = MARIADB.service().openConnection(database)) {
            SourceSchema.createTables(c, SourceDialect.MYSQL);
        }
        Map<String, String> env =
                Map.of(
                        "SOURCE_JDBC_URL", MARIADB.jdbcUrl(database),
                        "SOURCE_USERNAME", MARIADB.service().rootUser(),
                        "SOURCE_PASSWORD", MARIADB.service().rootPassword());
        assertThat(tool(env, "sample-data", "sakila")).isZero();
        try (Connection c = MARIADB.service().openConnection(database);
                var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM customer")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(SakilaSampleData.CUSTOMERS);
        }
        assertThat(tool("cli", "migrate", "--help")).isZero();
    }

    private int tool(String... args) throws IOException, InterruptedException {
        return tool(Map.of(), args);
    }

    private int tool(Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", "deploy/compose/pipeline-tool.sh"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile());
        builder.environment().putAll(env);
        builder.redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        System.out.println("pipeline-tool.sh " + String.join(" ", args) + ":\n" + output);
        return process.exitValue();
    }

    private static void assertKnownSettings(Set<String> variables) {
        Set<String> known =
                PipelineOptions.all().stream()
                        .map(option -> PipelineConfig.envName(option.key()))
                        .collect(Collectors.toSet());
        variables.stream()
                .filter(v -> v.startsWith(PipelineConfig.ENV_PREFIX))
                .forEach(v -> assertThat(known).as("a configuration key for " + v).contains(v));
    }

    private static long mebibytes(MemorySize size) {
        return Math.round(size.getBytes() / (1024.0 * 1024.0));
    }

    private static Path onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static Map<String, Object> yaml(Path file) throws IOException {
        return map(new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file)));
    }

    /**
     * A compose service with its YAML merge key ({@code <<: *anchor}) applied: YAML 1.2 parsers
     * leave the merge to the application, as docker-compose does it.
     */
    private static Map<String, Object> merged(Object value) {
        Map<String, Object> service = new java.util.LinkedHashMap<>(map(value));
        Object base = service.remove("<<");
        Map<String, Object> result = new java.util.LinkedHashMap<>(map(base));
        result.putAll(service);
        return result;
    }

    @SuppressWarnings("unchecked")
    private static <V> Map<String, V> map(Object value) {
        return value == null ? Map.of() : (Map<String, V>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return value == null ? List.of() : (List<Object>) value;
    }

    /** The official image of the build's Flink minor version, e.g. {@code flink:1.20-java17}. */
    private static String flinkImage() {
        String[] version = EnvironmentInformation.getVersion().split("\\.");
        return "flink:" + version[0] + "." + version[1] + "-java17";
    }
}
