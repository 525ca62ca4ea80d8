package io.streamwarehouse.local.customer;

import static org.awaitility.Awaitility.await;

import io.streamwarehouse.customer.source.SourceDialect;
import io.streamwarehouse.customer.source.SourceSchema;
import io.streamwarehouse.local.services.MariaDbExtension;
import io.streamwarehouse.local.services.PostgresExtension;
import io.streamwarehouse.samples.customer.SakilaSampleData;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OLTP side of a customer dimension test: a fresh Sakila-shaped database on one of the shared
 * servers, filled with the generated sample, with a CDC account that holds only the grants of
 * {@code sql/source/<dialect>/cdc_user.sql}.
 *
 * <p>{@link #joinedCustomers()} is the test oracle: the dimension computed by the source database
 * itself with a plain SQL join, independent of Flink.
 */
final class SakilaSource {
    private static final Logger LOG = LoggerFactory.getLogger(SakilaSource.class);

    /** Rows of the sample across the four captured tables: what the snapshot must stage. */
    static final int SNAPSHOT_ROWS =
            SakilaSampleData.COUNTRIES
                    + SakilaSampleData.CITIES
                    + SakilaSampleData.ADDRESSES
                    + SakilaSampleData.CUSTOMERS;

    @FunctionalInterface
    interface AdminConnections {
        Connection open(String database) throws SQLException;
    }

    final SourceDialect dialect;
    final String database;
    final String cdcUser;
    final String cdcPassword;
    private final String host;
    private final int port;
    private final AdminConnections admin;
    private final Map<String, String> extraConfig;

    private SakilaSource(
            SourceDialect dialect,
            String database,
            String cdcUser,
            String host,
            int port,
            AdminConnections admin,
            Map<String, String> extraConfig) {
        this.dialect = dialect;
        this.database = database;
        this.cdcUser = cdcUser;
        this.cdcPassword = "pw-" + cdcUser;
        this.host = host;
        this.port = port;
        this.admin = admin;
        this.extraConfig = extraConfig;
    }

    /**
     * A MariaDB source (binlog in ROW format).
     *
     * @param serverIds the replica server ids the CDC source uses; each job reading the shared
     *     server needs its own, or the server drops the other job's binlog connection
     */
    static SakilaSource mariaDb(MariaDbExtension mariaDb, String cdcUser, String serverIds)
            throws SQLException {
        String database = mariaDb.newDatabase("sakila");
        SakilaSource source =
                new SakilaSource(
                        SourceDialect.MYSQL,
                        database,
                        cdcUser,
                        mariaDb.service().host(),
                        mariaDb.service().port(),
                        db -> mariaDb.service().openConnection(db),
                        Map.of("source.type", "mysql", "source.server-id", serverIds));
        source.provision();
        return source;
    }

    /**
     * A PostgreSQL source (logical replication through the {@code customer_dimension} publication).
     *
     * @param slotName the job's replication slot; one per test, so no test reads another's slot
     */
    static SakilaSource postgres(PostgresExtension postgres, String cdcUser, String slotName)
            throws SQLException {
        String database = postgres.newDatabase("sakila");
        SakilaSource source =
                new SakilaSource(
                        SourceDialect.POSTGRES,
                        database,
                        cdcUser,
                        postgres.service().host(),
                        postgres.service().port(),
                        db -> postgres.service().openConnection(db),
                        Map.of(
                                "source.type", "postgres",
                                "source.schema", "public",
                                "source.slot-name", slotName));
        source.provision();
        return source;
    }

    private void provision() throws SQLException {
        try (Connection c = openAdmin()) {
            SourceSchema.createTables(c, dialect);
            SakilaSampleData.generate(7).loadInto(c, dialect);
            SourceSchema.createCdcUser(c, dialect, cdcUser, cdcPassword);
        }
    }

    /**
     * Drops a replication slot once the cancelled job's connection has let go of it (a moment after
     * the job): a slot left behind keeps WAL on the shared server for the rest of the test JVM.
     */
    void dropSlotOnceInactive(String slot) {
        try {
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> dropInactiveSlot(slot));
        } catch (Exception | AssertionError e) {
            LOG.warn("could not drop replication slot {}: {}", slot, e.getMessage());
        }
    }

    /**
     * Drops a PostgreSQL replication slot once no connection uses it (a cancelled job's replication
     * connection ends a moment after the job); a slot left behind keeps WAL on the shared server
     * for the rest of the test JVM.
     *
     * @return true when the slot is gone
     */
    boolean dropInactiveSlot(String slot) throws SQLException {
        try (Connection c = openAdmin()) {
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
                ps.setString(1, slot);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return true;
                    }
                    if (rs.getBoolean(1)) {
                        return false;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                ps.setString(1, slot);
                ps.execute();
            }
            return true;
        }
    }

    /** Runs statements on the source as its administrator (DDL, changes the tests make by hand). */
    void execute(String... statements) throws SQLException {
        try (Connection c = openAdmin();
                Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }

    /** A connection as the server's administrator, for changes and for the oracle query. */
    Connection openAdmin() throws SQLException {
        return admin.open(database);
    }

    /** The {@code source.*} settings of a job reading this database as the CDC user. */
    Map<String, String> config() {
        Map<String, String> config = new LinkedHashMap<>(extraConfig);
        config.put("source.hostname", host);
        config.put("source.port", String.valueOf(port));
        config.put("source.database", database);
        config.put("source.username", cdcUser);
        config.put("source.password", cdcPassword);
        return config;
    }

    /**
     * Every customer of the source joined with its address, city and country, in the column order
     * of {@link DimensionRows#ATTRIBUTES}, as normalized text.
     */
    Map<Integer, DimensionRows.Values> joinedCustomers() throws SQLException {
        // pagila keeps the flag in activebool; its integer "active" is legacy
        String active = dialect == SourceDialect.MYSQL ? "c.active" : "c.activebool";
        String sql =
                "SELECT c.customer_id, c.store_id, c.first_name, c.last_name, c.email, "
                        + active
                        + ", c.create_date, c.address_id, a.address, a.address2, a.district,"
                        + " a.postal_code, a.phone, a.city_id, ci.city, ci.country_id, co.country"
                        + " FROM customer c"
                        + " LEFT JOIN address a ON a.address_id = c.address_id"
                        + " LEFT JOIN city ci ON ci.city_id = a.city_id"
                        + " LEFT JOIN country co ON co.country_id = ci.country_id";
        Map<Integer, DimensionRows.Values> rows = new TreeMap<>();
        try (Connection c = openAdmin();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                rows.put(rs.getInt(1), DimensionRows.Values.read(rs, 2));
            }
        }
        return rows;
    }
}
