package io.streamwarehouse.local.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamwarehouse.local.cli.CliProcess;
import io.streamwarehouse.local.sandbox.SandboxProgress;
import io.streamwarehouse.samples.customer.SakilaSampleData;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real run, as a user starts it: {@code ./pipeline services --env-file F} and {@code ./pipeline
 * sandbox --external --env-file F} as two processes, both jobs running and writing, and every place
 * a password could leak to read while they run: the processes' arguments as {@code ps} shows them
 * (servers included), every REST endpoint that shows configuration or the job, the listening
 * sockets, the logs at Flink's default level INFO, and every file the run wrote that others could
 * read. Not one password may show up. With the e-mail policy {@code hashed}, no customer's e-mail
 * address may show up in the logs or in any table that stores one.
 */
class SecretsITCase {
    private static final Pattern WEB_UI = Pattern.compile("Flink web UI\\s+(http://\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void noPasswordInArgumentsRestApiLogsOrFilesOthersCanRead(@TempDir Path dir) throws Exception {
        Path log4j = dir.resolve("log4j2-info.properties");
        Files.writeString(
                log4j,
                String.join(
                        "\n",
                        "rootLogger.level = INFO",
                        "rootLogger.appenderRef.console.ref = console",
                        "appender.console.type = Console",
                        "appender.console.name = console",
                        "appender.console.target = SYSTEM_ERR",
                        "appender.console.layout.type = PatternLayout",
                        "appender.console.layout.pattern = %d{HH:mm:ss} %-5p %c - %m%n",
                        ""));
        Path envFile = dir.resolve("pipeline.env");
        Path servicesTmp = dir.resolve("services-tmp");
        Path sandboxTmp = dir.resolve("sandbox-tmp");
        String hashKey = "hash-key-" + UUID.randomUUID();

        try (CliProcess services =
                CliProcess.start(
                        servicesTmp,
                        log4j,
                        Map.of(),
                        "services",
                        "--env-file",
                        envFile.toString())) {
            services.awaitLine(l -> l.contains("services: up in"), Duration.ofMinutes(4));

            assertThat(Files.getPosixFilePermissions(envFile))
                    .as("permissions of the env file")
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            Map<String, String> env = readEnvFile(envFile);
            List<String> secrets = new ArrayList<>();
            env.forEach(
                    (key, value) -> {
                        if (key.endsWith("_PASSWORD")) {
                            secrets.add(value);
                        }
                    });
            secrets.add(hashKey);
            assertThat(secrets).hasSizeGreaterThanOrEqualTo(4).allMatch(s -> s.length() >= 12);
            assertThat(env.get("PIPELINE_WAREHOUSE_USERNAME"))
                    .as("the jobs' warehouse login, not the owner")
                    .isEqualTo("pipeline_job");

            try (CliProcess sandbox =
                    CliProcess.start(
                            sandboxTmp,
                            log4j,
                            Map.of(
                                    "PIPELINE_CUSTOMER_EMAIL_MODE",
                                    "hashed",
                                    "PIPELINE_CUSTOMER_EMAIL_HASH_KEY",
                                    hashKey,
                                    "PIPELINE_CUSTOMER_HISTORY",
                                    "true"),
                            "sandbox",
                            "--external",
                            "--env-file",
                            envFile.toString(),
                            "--web-port",
                            "0",
                            "--speedup",
                            "0")) {
                try {
                    Matcher webUi =
                            WEB_UI.matcher(
                                    sandbox.awaitLine(
                                            l -> WEB_UI.matcher(l).find(), Duration.ofMinutes(3)));
                    assertThat(webUi.find()).isTrue();
                    String rest = webUi.group(1);
                    assertThat(URI.create(rest).getHost()).isEqualTo("127.0.0.1");
                    // both jobs run and have written rows: the sources, sinks and checkpoints have
                    // all had their chance to log
                    await().atMost(Duration.ofMinutes(4))
                            .pollInterval(Duration.ofSeconds(1))
                            .untilAsserted(
                                    () -> {
                                        SandboxProgress progress =
                                                SandboxProgress.last(sandbox.stdout());
                                        assertThat(progress).isNotNull();
                                        assertThat(progress.dimCustomer).isPositive();
                                        assertThat(progress.stationWindows).isPositive();
                                    });

                    Map<String, String> pages = restPages(rest);
                    assertThat(pages.keySet())
                            .contains("/jobmanager/config")
                            .anyMatch(p -> p.matches("/jobs/[0-9a-f]{32}/config"));
                    assertThat(pages.keySet().stream().filter(p -> p.endsWith("/config")).count())
                            .as("job config pages")
                            .isGreaterThanOrEqualTo(3);
                    // real answers, not error pages
                    assertThat(pages.get("/jobmanager/config")).contains("rest.bind-address");
                    assertThat(pages)
                            .anySatisfy(
                                    (page, body) -> {
                                        assertThat(page).endsWith("/config");
                                        assertThat(body).contains("execution-config");
                                    });
                    pages.forEach((page, body) -> assertNoSecret("REST " + page, body, secrets));

                    List<ProcessHandle> processes = new ArrayList<>();
                    for (CliProcess cli : List.of(services, sandbox)) {
                        processes.add(cli.handle());
                        cli.handle().descendants().forEach(processes::add);
                    }
                    // pg_ctl detaches PostgreSQL from the JVM: found by its port, with its backends
                    ProcessHandle postgres =
                            CliProcess.listeningOn(
                                            URI.create(
                                                            env.get("PIPELINE_WAREHOUSE_JDBC_URL")
                                                                    .substring("jdbc:".length()))
                                                    .getPort())
                                    .orElseThrow();
                    processes.add(postgres);
                    postgres.descendants().forEach(processes::add);
                    assertThat(processes)
                            .extracting(p -> p.info().command().orElse(""))
                            .as("the servers are among the processes")
                            .anyMatch(c -> c.endsWith("/postgres"))
                            .anyMatch(c -> c.endsWith("/mariadbd"));
                    for (ProcessHandle process : processes) {
                        assertNoSecret(
                                "arguments of process " + process.pid(),
                                commandLine(process),
                                secrets);
                    }
                    for (ProcessHandle process : processes) {
                        for (String socket : CliProcess.listeningAddresses(process.pid())) {
                            assertThat(socket)
                                    .as("listening socket of process " + process.pid())
                                    .matches("(127\\.0\\.0\\.1|\\[::ffff:127\\.0\\.0\\.1\\]):\\d+");
                        }
                    }

                    assertEmailsStoredOnlyHashed(env);

                    assertThat(sandbox.terminate(Duration.ofSeconds(90)))
                            .as("sandbox stops")
                            .isTrue();
                    assertThat(sandbox.stderr())
                            .as("logs at INFO")
                            .anyMatch(l -> l.contains(" INFO ") && l.contains("org.apache.flink"));
                    assertNoSecret("sandbox output and logs", sandbox.allOutput(), secrets);
                    assertThat(sandbox.allOutput())
                            .as("no e-mail address of a customer in the logs")
                            .doesNotContain("@" + SakilaSampleData.EMAIL_DOMAIN);
                    assertNoSecretInFilesOthersCanRead(sandboxTmp, secrets);
                } finally {
                    sandbox.saveOutput(Path.of("target", "secrets-it", "sandbox.log"));
                    services.saveOutput(Path.of("target", "secrets-it", "services.log"));
                }
            }
            assertThat(services.terminate(Duration.ofSeconds(90))).as("services stop").isTrue();
            // the settings lines are masked when the env file has them
            assertThat(services.stdout())
                    .anyMatch(l -> l.equals("PIPELINE_WAREHOUSE_PASSWORD=***"));
            assertNoSecret("services output and logs", services.allOutput(), secrets);
            assertNoSecretInFilesOthersCanRead(servicesTmp, secrets);
        }
    }

    /**
     * With {@code customer.email-mode=hashed}, no table holds an address: not the dimension, not
     * its history, not the row images in staging.
     */
    private static void assertEmailsStoredOnlyHashed(Map<String, String> env) throws Exception {
        Map<String, String> queries = new LinkedHashMap<>();
        // updates carry the address twice, before and after
        queries.put(
                "staging.customer_changes (updates)",
                "SELECT count(*), count(*) FILTER (WHERE coalesce(before_image->>'email', '') LIKE"
                        + " '%@%' OR coalesce(after_image->>'email', '') LIKE '%@%')"
                        + " FROM staging.customer_changes WHERE source_table = 'customer'"
                        + " AND operation = 'u' AND before_image ? 'email'");
        queries.put(
                "staging.customer_changes",
                "SELECT count(*), count(*) FILTER (WHERE coalesce(before_image->>'email', '') LIKE"
                        + " '%@%' OR coalesce(after_image->>'email', '') LIKE '%@%')"
                        + " FROM staging.customer_changes WHERE source_table = 'customer'");
        queries.put(
                "warehouse.dim_customer",
                "SELECT count(*), count(*) FILTER (WHERE email LIKE '%@%')"
                        + " FROM warehouse.dim_customer");
        queries.put(
                "warehouse.dim_customer_history",
                "SELECT count(*), count(*) FILTER (WHERE email LIKE '%@%')"
                        + " FROM warehouse.dim_customer_history");
        try (Connection warehouse =
                        DriverManager.getConnection(
                                env.get("PIPELINE_WAREHOUSE_JDBC_URL"),
                                env.get("PIPELINE_WAREHOUSE_USERNAME"),
                                env.get("PIPELINE_WAREHOUSE_PASSWORD"));
                Statement st = warehouse.createStatement()) {
            // each table fills at its own checkpoint, the updates as the simulator makes them
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(
                            () -> {
                                for (var query : queries.entrySet()) {
                                    try (ResultSet rs = st.executeQuery(query.getValue())) {
                                        rs.next();
                                        assertThat(rs.getLong(1))
                                                .as("rows in " + query.getKey())
                                                .isPositive();
                                        assertThat(rs.getLong(2))
                                                .as(
                                                        "rows with an e-mail address in "
                                                                + query.getKey())
                                                .isZero();
                                    }
                                }
                            });
        }
    }

    /** Every GET page of the REST API that shows configuration, a job or its logs. */
    private static Map<String, String> restPages(String rest) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Map<String, String> pages = new LinkedHashMap<>();
        List<String> paths =
                new ArrayList<>(
                        List.of(
                                "/config",
                                "/overview",
                                "/jobmanager/config",
                                "/jobmanager/environment",
                                "/jobmanager/logs",
                                "/jobs/overview",
                                "/taskmanagers"));
        JsonNode jobs = JSON.readTree(get(http, rest + "/jobs/overview")).path("jobs");
        assertThat(jobs).hasSize(2);
        for (JsonNode job : jobs) {
            String id = "/jobs/" + job.path("jid").asText();
            paths.addAll(
                    List.of(
                            id,
                            id + "/config",
                            id + "/plan",
                            id + "/exceptions",
                            id + "/checkpoints",
                            id + "/checkpoints/config",
                            id + "/jobmanager/config",
                            id + "/jobmanager/environment"));
            for (JsonNode vertex : JSON.readTree(get(http, rest + id)).path("vertices")) {
                paths.add(id + "/vertices/" + vertex.path("id").asText());
            }
        }
        for (JsonNode tm : JSON.readTree(get(http, rest + "/taskmanagers")).path("taskmanagers")) {
            String id = "/taskmanagers/" + tm.path("id").asText();
            paths.addAll(List.of(id, id + "/logs"));
        }
        for (String path : paths) {
            pages.put(path, get(http, rest + path));
        }
        return pages;
    }

    private static String get(HttpClient http, String url) throws Exception {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    private static String commandLine(ProcessHandle process) throws IOException {
        Path cmdline = Path.of("/proc", Long.toString(process.pid()), "cmdline");
        if (!Files.exists(cmdline)) {
            return "";
        }
        return new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).replace('\0', ' ');
    }

    private static void assertNoSecret(String where, String text, List<String> secrets) {
        for (String secret : secrets) {
            assertThat(text.contains(secret))
                    .as("a password (" + secret.length() + " characters) in " + where)
                    .isFalse();
        }
    }

    /**
     * Files whose mode lets others read them, and whose directories below {@code root} let others
     * in: where {@code root} itself is open to others (the system temporary directory, a shared
     * checkpoint volume), these are readable by every user of the machine.
     */
    private static void assertNoSecretInFilesOthersCanRead(Path root, List<String> secrets)
            throws IOException {
        List<byte[]> needles =
                secrets.stream()
                        .map(s -> s.getBytes(StandardCharsets.UTF_8))
                        .collect(Collectors.toList());
        List<Path> checked = new ArrayList<>();
        Files.walkFileTree(
                root,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs)
                            throws IOException {
                        if (d.equals(root)) {
                            return FileVisitResult.CONTINUE;
                        }
                        return permissions(d).contains(PosixFilePermission.OTHERS_EXECUTE)
                                ? FileVisitResult.CONTINUE
                                : FileVisitResult.SKIP_SUBTREE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                            throws IOException {
                        if (attrs.isRegularFile()
                                && attrs.size() < 64L * 1024 * 1024
                                && permissions(file).contains(PosixFilePermission.OTHERS_READ)) {
                            byte[] content = Files.readAllBytes(file);
                            for (byte[] needle : needles) {
                                assertThat(indexOf(content, needle))
                                        .as("a password in " + file + ", readable by others")
                                        .isEqualTo(-1);
                            }
                            checked.add(file);
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        return FileVisitResult.CONTINUE;
                    }
                });
        System.out.printf(
                "%d files readable by others under %s, none with a password%n",
                checked.size(), root);
    }

    private static Set<PosixFilePermission> permissions(Path path) throws IOException {
        return Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static Map<String, String> readEnvFile(Path file) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        try (Stream<String> lines = Files.lines(file)) {
            lines.filter(l -> l.contains("="))
                    .forEach(
                            l ->
                                    values.put(
                                            l.substring(0, l.indexOf('=')),
                                            l.substring(l.indexOf('=') + 1)));
        }
        return values;
    }
}
