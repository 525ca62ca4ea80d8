package io.streamwarehouse.local.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.config.PipelineOptions;
import io.streamwarehouse.customer.SakilaSampleData;
import io.streamwarehouse.customer.SourceDialect;
import io.streamwarehouse.customer.SourceSchema;
import io.streamwarehouse.jobs.Jobs;
import io.streamwarehouse.local.services.MariaDbExtension;
import io.streamwarehouse.local.services.PostgresExtension;
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
                                            ? "{\"flink-version\":\"1.20.3\",\"taskmanagers\":1,"
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
        assertThat(services.get("jobmanager").get("image")).isEqualTo("flink:1.20-java17");
        assertThat(services.get("taskmanager").get("image")).isEqualTo("flink:1.20-java17");
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
        new Load(LoadSettings.builder().build())
                .loadAllFromString(Files.readString(root.resolve("deploy/k8s/secret-example.yaml")))
                .forEach(examples::add);
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
}
