package io.streamwarehouse.local.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.customer.source.SourceCheck;
import io.streamwarehouse.customer.source.SourceDialect;
import io.streamwarehouse.customer.source.SourceNotReadyException;
import io.streamwarehouse.customer.source.SourceSchema;
import io.streamwarehouse.jobs.CustomerDimensionJob;
import io.streamwarehouse.local.services.MariaDbExtension;
import io.streamwarehouse.local.services.PostgresExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job's preflight check against real servers: an account that can read the tables but lacks the
 * replication privilege stops the job before submission, with the statement that fixes it; once the
 * grants of {@code sql/source/<dialect>/cdc_user.sql} are applied, the same account passes.
 */
class CustomerSourceCheckITCase {

    @RegisterExtension static final MariaDbExtension MARIADB = new MariaDbExtension();
    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final String PASSWORD = "pw-without-replication";

    @Test
    void mariaDbAccountWithoutReplicationGrantsIsRejected() throws Exception {
        String database = MARIADB.newDatabase("sakila");
        String user = "cdc_norepl_m";
        try (Connection c = MARIADB.service().openConnection(database);
                Statement st = c.createStatement()) {
            SourceSchema.createTables(c, SourceDialect.MYSQL);
            st.execute("CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + PASSWORD + "'");
            st.execute("GRANT SELECT ON `" + database + "`.* TO '" + user + "'@'%'");
        }
        PipelineConfig config =
                PipelineConfig.of(
                        Map.of(
                                "source.type",
                                "mysql",
                                "source.hostname",
                                MARIADB.service().host(),
                                "source.port",
                                String.valueOf(MARIADB.service().port()),
                                "source.database",
                                database,
                                "source.username",
                                user,
                                "source.password",
                                PASSWORD));
        CustomerDimensionJob job = new CustomerDimensionJob();

        assertThatThrownBy(() -> job.preflight(config))
                .isInstanceOfSatisfying(
                        SourceNotReadyException.class,
                        e ->
                                assertThat(e.problems())
                                        .filteredOn(SourceCheck.Problem::fatal)
                                        .extracting(SourceCheck.Problem::setting)
                                        .contains(
                                                "grant.REPLICATION SLAVE",
                                                "grant.REPLICATION CLIENT")
                                        .doesNotContain("grant.SELECT", "log_bin", "binlog_format"))
                .hasMessageContaining("lacks REPLICATION SLAVE on *.*")
                .hasMessageContaining("GRANT REPLICATION SLAVE ON *.* TO '" + user + "'@'%'")
                .hasMessageContaining("lacks REPLICATION CLIENT on *.*");

        try (Connection c = MARIADB.service().openConnection(database)) {
            SourceSchema.createCdcUser(c, SourceDialect.MYSQL, user, PASSWORD);
        }
        job.preflight(config);
    }

    @Test
    void postgresRoleWithoutReplicationIsRejected() throws Exception {
        String database = POSTGRES.newDatabase("sakila");
        String role = "cdc_norepl_p";
        try (Connection c = POSTGRES.service().openConnection(database);
                Statement st = c.createStatement()) {
            SourceSchema.createTables(c, SourceDialect.POSTGRES);
            st.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + PASSWORD + "'");
            st.execute("GRANT CONNECT ON DATABASE \"" + database + "\" TO " + role);
            st.execute("GRANT USAGE ON SCHEMA public TO " + role);
            st.execute("GRANT SELECT ON country, city, address, customer TO " + role);
        }
        PipelineConfig config = postgresSource(database, role);
        CustomerDimensionJob job = new CustomerDimensionJob();

        assertThatThrownBy(() -> job.preflight(config))
                .isInstanceOfSatisfying(
                        SourceNotReadyException.class,
                        e ->
                                assertThat(e.problems())
                                        .filteredOn(SourceCheck.Problem::fatal)
                                        .extracting(SourceCheck.Problem::setting)
                                        .containsExactly("rolreplication"))
                .hasMessageContaining("role " + role + " lacks the REPLICATION attribute")
                .hasMessageContaining("ALTER ROLE " + role + " WITH REPLICATION");

        try (Connection c = POSTGRES.service().openConnection(database)) {
            SourceSchema.createCdcUser(c, SourceDialect.POSTGRES, role, PASSWORD);
        }
        job.preflight(config);
    }

    /**
     * A table whose updates carry no old row (REPLICA IDENTITY DEFAULT) stops the job before
     * submission with the statement that fixes it: the job's per-row state expires, and then only
     * the old row in the log tells it which values to retract.
     */
    @Test
    void postgresTableWithoutFullReplicaIdentityIsRejected() throws Exception {
        String database = POSTGRES.newDatabase("sakila");
        String role = "cdc_identity_p";
        try (Connection c = POSTGRES.service().openConnection(database);
                Statement st = c.createStatement()) {
            SourceSchema.createTables(c, SourceDialect.POSTGRES);
            SourceSchema.createCdcUser(c, SourceDialect.POSTGRES, role, PASSWORD);
            st.execute("ALTER TABLE address REPLICA IDENTITY DEFAULT");
        }
        PipelineConfig config = postgresSource(database, role);
        CustomerDimensionJob job = new CustomerDimensionJob();

        assertThatThrownBy(() -> job.preflight(config))
                .isInstanceOfSatisfying(
                        SourceNotReadyException.class,
                        e ->
                                assertThat(e.problems())
                                        .filteredOn(SourceCheck.Problem::fatal)
                                        .extracting(SourceCheck.Problem::setting)
                                        .containsExactly("replica_identity.address"))
                .hasMessageContaining("table address has REPLICA IDENTITY DEFAULT")
                .hasMessageContaining("run ALTER TABLE public.address REPLICA IDENTITY FULL");

        try (Connection c = POSTGRES.service().openConnection(database);
                Statement st = c.createStatement()) {
            st.execute("ALTER TABLE address REPLICA IDENTITY FULL");
        }
        job.preflight(config);
    }

    /**
     * A PostgreSQL server sized for exactly the slots it has, one of them the job's own: a
     * restarted job reuses its slot, so the check must let it start, and stop only a job that would
     * need one more slot.
     */
    @Test
    void postgresJobMayReuseItsSlotWhenAllSlotsAreTaken() throws Exception {
        String database = POSTGRES.newDatabase("sakila");
        String role = "cdc_slots_p";
        String ownSlot = "dim_customer_own";
        List<String> slots = new ArrayList<>();
        try (Connection c = POSTGRES.service().openConnection(database);
                Statement st = c.createStatement()) {
            SourceSchema.createTables(c, SourceDialect.POSTGRES);
            SourceSchema.createCdcUser(c, SourceDialect.POSTGRES, role, PASSWORD);
            st.execute("SELECT pg_create_logical_replication_slot('" + ownSlot + "', 'pgoutput')");
            slots.add(ownSlot);
            try {
                // physical slots without reserved WAL: free to create, and they count the same
                int free =
                        queryInt(st, "SELECT current_setting('max_replication_slots')::INT")
                                - queryInt(st, "SELECT count(*)::INT FROM pg_replication_slots");
                for (int i = 0; i < free; i++) {
                    String filler = "filler_" + i;
                    st.execute("SELECT pg_create_physical_replication_slot('" + filler + "')");
                    slots.add(filler);
                }
                Map<String, String> settings = postgresSettings(database, role);
                CustomerDimensionJob job = new CustomerDimensionJob();

                job.preflight(with(settings, "source.slot-name", ownSlot));
                assertThatThrownBy(
                                () -> job.preflight(with(settings, "source.slot-name", "new_slot")))
                        .isInstanceOf(SourceNotReadyException.class)
                        .hasMessageContaining("replication slots are in use")
                        .hasMessageContaining("raise max_replication_slots");
            } finally {
                for (String slot : slots) {
                    st.execute("SELECT pg_drop_replication_slot('" + slot + "')");
                }
            }
        }
    }

    private static PipelineConfig with(Map<String, String> settings, String key, String value) {
        Map<String, String> all = new HashMap<>(settings);
        all.put(key, value);
        return PipelineConfig.of(all);
    }

    private static int queryInt(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static PipelineConfig postgresSource(String database, String role) {
        return PipelineConfig.of(postgresSettings(database, role));
    }

    private static Map<String, String> postgresSettings(String database, String role) {
        return Map.of(
                "source.type",
                "postgres",
                "source.hostname",
                POSTGRES.service().host(),
                "source.port",
                String.valueOf(POSTGRES.service().port()),
                "source.database",
                database,
                "source.username",
                role,
                "source.password",
                PASSWORD);
    }
}
