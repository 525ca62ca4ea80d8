package io.streamwarehouse.local.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamwarehouse.local.cli.CliProcess;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./pipeline services} as a newcomer meets it: started from a directory only its owner may
 * enter (a clone under {@code /root}, or in a {@code mkdir -m 700} directory), where PostgreSQL,
 * which runs as {@code nobody} under root, could not reach its files; then killed with SIGKILL,
 * which runs no shutdown hook, and started again.
 */
class ServicesProcessITCase {

    @Test
    void worksUnderAClosedDirectoryAndAKillLeavesNoServerBehind(@TempDir Path dir)
            throws Exception {
        Path closed =
                Files.createDirectory(
                        dir.resolve("closed"),
                        PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString("rwx------")));
        Path tmp = closed.resolve("tmp");
        Path envFile = closed.resolve("pipeline.env");

        // the topic's partitions come from the configuration when --partitions is not given
        CliProcess first =
                CliProcess.start(
                        tmp,
                        null,
                        Map.of("PIPELINE_TURNSTILE_TOPIC_PARTITIONS", "3"),
                        "services",
                        "--env-file",
                        envFile.toString());
        List<ProcessHandle> servers = new ArrayList<>();
        List<Path> workDirectories;
        Map<String, String> env;
        try {
            first.awaitLine(l -> l.contains("services: up in"), Duration.ofMinutes(4));
            env = readEnvFile(envFile);
            // both databases answer, PostgreSQL as the jobs' login
            try (Connection warehouse =
                            DriverManager.getConnection(
                                    env.get("PIPELINE_WAREHOUSE_JDBC_URL"),
                                    env.get("PIPELINE_WAREHOUSE_USERNAME"),
                                    env.get("PIPELINE_WAREHOUSE_PASSWORD"));
                    Statement st = warehouse.createStatement()) {
                assertThat(
                                st.executeUpdate(
                                        "INSERT INTO audit.load_audit (job_name, job_id,"
                                                + " target_table, checkpoint_id, subtask,"
                                                + " started_at) VALUES ('it', 'j', 't', 1, 0,"
                                                + " now())"))
                        .isEqualTo(1);
            }
            try (Connection source =
                    DriverManager.getConnection(
                            "jdbc:mysql://127.0.0.1:"
                                    + env.get("PIPELINE_SOURCE_PORT")
                                    + "/"
                                    + env.get("PIPELINE_SOURCE_DATABASE"),
                            env.get("PIPELINE_SOURCE_USERNAME"),
                            env.get("PIPELINE_SOURCE_PASSWORD"))) {
                assertThat(source.isValid(5)).isTrue();
            }
            try (Admin kafka =
                    Admin.create(
                            Map.of(
                                    "bootstrap.servers",
                                    env.get("PIPELINE_KAFKA_BOOTSTRAP_SERVERS")))) {
                String topic = env.get("PIPELINE_TURNSTILE_TOPIC");
                assertThat(
                                kafka.describeTopics(List.of(topic))
                                        .allTopicNames()
                                        .get()
                                        .get(topic)
                                        .partitions())
                        .hasSize(3);
            }
            servers.add(CliProcess.listeningOn(postgresPort(env)).orElseThrow());
            servers.add(
                    CliProcess.listeningOn(Integer.parseInt(env.get("PIPELINE_SOURCE_PORT")))
                            .orElseThrow());
            assertThat(servers)
                    .extracting(p -> p.info().command().orElse(""))
                    .anyMatch(c -> c.endsWith("/postgres"))
                    .anyMatch(c -> c.endsWith("/mariadbd"));
            workDirectories = workDirectoriesOf(tmp, servers.get(0));
            assertThat(workDirectories).hasSize(3).allMatch(Files::isDirectory);
        } finally {
            first.kill();
        }

        long killed = System.nanoTime();
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(
                        () ->
                                assertThat(servers)
                                        .as("servers alive")
                                        .noneMatch(ProcessHandle::isAlive));
        System.out.printf(
                "servers gone %.1f s after SIGKILL of the launcher%n",
                (System.nanoTime() - killed) / 1e9);
        assertThat(CliProcess.listeningOn(postgresPort(env))).isEmpty();
        assertThat(CliProcess.listeningOn(Integer.parseInt(env.get("PIPELINE_SOURCE_PORT"))))
                .isEmpty();
        assertThat(workDirectories).as("left behind until the next start").allMatch(Files::exists);

        try (CliProcess second =
                CliProcess.start(
                        tmp, null, Map.of(), "services", "--env-file", envFile.toString())) {
            second.awaitLine(l -> l.contains("services: up in"), Duration.ofMinutes(4));
            assertThat(workDirectories)
                    .as("what the killed launcher left, removed by the next start")
                    .noneMatch(Files::exists);
            Map<String, String> again = readEnvFile(envFile);
            ProcessHandle postgres = CliProcess.listeningOn(postgresPort(again)).orElseThrow();
            List<Path> secondDirectories = workDirectoriesOf(tmp, postgres);
            assertThat(second.terminate(Duration.ofSeconds(90))).isTrue();
            await().atMost(Duration.ofSeconds(15))
                    .untilAsserted(() -> assertThat(postgres.isAlive()).isFalse());
            assertThat(secondDirectories).as("removed on a normal stop").noneMatch(Files::exists);
        }
    }

    /** Kafka's and MariaDB's under the launcher's tmpdir, PostgreSQL's from its command line. */
    private static List<Path> workDirectoriesOf(Path tmp, ProcessHandle postgres) throws Exception {
        List<Path> directories = new ArrayList<>();
        try (Stream<Path> children = Files.list(tmp)) {
            children.filter(
                            p -> {
                                String name = p.getFileName().toString();
                                return name.startsWith("kafka-") || name.startsWith("mariadb-");
                            })
                    .forEach(directories::add);
        }
        String[] args = postgres.info().arguments().orElseThrow();
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("-D")) {
                // the data directory sits in the server's work directory
                directories.add(Path.of(args[i + 1]).getParent());
            }
        }
        return directories;
    }

    private static int postgresPort(Map<String, String> env) {
        return URI.create(env.get("PIPELINE_WAREHOUSE_JDBC_URL").substring("jdbc:".length()))
                .getPort();
    }

    private static Map<String, String> readEnvFile(Path file) throws Exception {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return values;
    }
}
