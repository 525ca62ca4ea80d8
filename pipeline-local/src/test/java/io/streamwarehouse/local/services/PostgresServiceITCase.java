package io.streamwarehouse.local.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;

/** The embedded PostgreSQL is a usable warehouse and a usable logical-replication source. */
class PostgresServiceITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final ExecutorService READER = Executors.newSingleThreadExecutor();

    @AfterAll
    static void stopReader() {
        READER.shutdownNow();
    }

    @Test
    void createsDatabasesAndChecksPasswords() throws SQLException {
        PostgresService postgres = POSTGRES.service();
        String database = POSTGRES.newDatabase("warehouse");

        try (Connection c =
                        DriverManager.getConnection(
                                postgres.jdbcUrl(database),
                                postgres.username(),
                                postgres.password());
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE fact (id INT PRIMARY KEY, v TEXT)");
            s.execute("INSERT INTO fact VALUES (1, 'one')");
            try (ResultSet rs = s.executeQuery("SELECT current_database(), v FROM fact")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(database);
                assertThat(rs.getString(2)).isEqualTo("one");
            }
        }
        assertThatThrownBy(
                        () ->
                                DriverManager.getConnection(
                                        postgres.jdbcUrl(database), postgres.username(), "wrong"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("password authentication failed");
        assertThat(postgres.jdbcUrl(database))
                .isEqualTo("jdbc:postgresql://127.0.0.1:" + postgres.port() + "/" + database);
    }

    @Test
    void serverIsConfiguredForLogicalReplication() throws SQLException {
        PostgresService postgres = POSTGRES.service();
        try (Connection c = postgres.openConnection("postgres");
                Statement s = c.createStatement()) {
            assertThat(setting(s, "wal_level")).isEqualTo("logical");
            assertThat(Integer.parseInt(setting(s, "max_replication_slots")))
                    .isGreaterThanOrEqualTo(10);
            assertThat(Integer.parseInt(setting(s, "max_wal_senders"))).isGreaterThanOrEqualTo(10);
            assertThat(setting(s, "listen_addresses")).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void pgoutputSlotStreamsAnInsertOverAReplicationConnection() throws Exception {
        PostgresService postgres = POSTGRES.service();
        String database = POSTGRES.newDatabase("cdc");
        String slot = database + "_slot";
        postgres.execute(
                database,
                "CREATE TABLE customer (id INT PRIMARY KEY, email TEXT NOT NULL);"
                        + " CREATE PUBLICATION customer_pub FOR TABLE customer");
        try (Connection c = postgres.openConnection(database);
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT slot_name FROM pg_create_logical_replication_slot('"
                                        + slot
                                        + "', 'pgoutput')")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(slot);
        }

        Properties props = new Properties();
        PGProperty.USER.set(props, postgres.username());
        PGProperty.PASSWORD.set(props, postgres.password());
        PGProperty.REPLICATION.set(props, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
        PGProperty.PREFER_QUERY_MODE.set(props, "simple");
        try (Connection replication =
                        DriverManager.getConnection(postgres.jdbcUrl(database), props);
                PGReplicationStream stream =
                        replication
                                .unwrap(PGConnection.class)
                                .getReplicationAPI()
                                .replicationStream()
                                .logical()
                                .withSlotName(slot)
                                .withSlotOption("proto_version", 1)
                                .withSlotOption("publication_names", "customer_pub")
                                .start()) {
            postgres.execute(
                    database, "INSERT INTO customer VALUES (42, 'mary.smith@sakilacustomer.org')");

            String insert = nextMessageOfType(stream, 'I', Duration.ofSeconds(30));

            assertThat(insert).contains("42").contains("mary.smith@sakilacustomer.org");
        } finally {
            postgres.execute(database, "SELECT pg_drop_replication_slot('" + slot + "')");
        }
    }

    private static String setting(Statement s, String name) throws SQLException {
        try (ResultSet rs = s.executeQuery("SHOW " + name)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    /**
     * Reads pgoutput messages until one of the given type (B)egin, (R)elation, (I)nsert, ...
     * arrives, and returns it as text.
     */
    private static String nextMessageOfType(PGReplicationStream stream, char type, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long remaining = deadline - System.nanoTime();
            assertThat(remaining).as("time left waiting for a '%s' message", type).isPositive();
            Future<ByteBuffer> read = READER.submit(stream::read);
            ByteBuffer message = read.get(remaining, TimeUnit.NANOSECONDS);
            byte[] bytes = new byte[message.remaining()];
            message.get(bytes);
            if (bytes.length > 0 && bytes[0] == type) {
                return new String(bytes, StandardCharsets.UTF_8);
            }
        }
    }
}
