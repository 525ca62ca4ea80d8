package io.streamwarehouse.local.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamwarehouse.local.services.PostgresExtension;
import io.streamwarehouse.warehouse.Migrations;
import io.streamwarehouse.warehouse.WarehouseConnection;
import io.streamwarehouse.warehouse.WarehouseRoles;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The jobs' login on a real PostgreSQL: it reads and writes the rows of staging, warehouse and
 * audit, including tables that migrations add later, and can change no schema anywhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WarehouseRolesITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final String LOGIN = "roles_it_job";
    private static final String PASSWORD = "it's a \\ secret";

    private String url;

    @BeforeAll
    void migrateAsOwnerAndCreateTheLogin() throws Exception {
        String database = POSTGRES.newDatabase("roles");
        url = POSTGRES.jdbcUrl(database);
        Migrations.apply(
                new WarehouseConnection(
                        url,
                        POSTGRES.service().username(),
                        POSTGRES.service().password(),
                        Duration.ofSeconds(10)));
        try (Connection admin = POSTGRES.service().openConnection("postgres")) {
            WarehouseRoles.createJobLogin(admin, LOGIN, PASSWORD);
            // a second run only resets the password
            WarehouseRoles.createJobLogin(admin, LOGIN, PASSWORD);
        }
    }

    @Test
    void theLoginIsAPlainMemberOfTheWriterRole() throws Exception {
        try (Connection job = DriverManager.getConnection(url, LOGIN, PASSWORD);
                Statement st = job.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication,"
                                        + " pg_has_role(current_user, 'warehouse_writer', 'MEMBER')"
                                        + " FROM pg_roles WHERE rolname = current_user")) {
            assertThat(rs.next()).isTrue();
            assertThat(
                            List.of(
                                    rs.getBoolean(1),
                                    rs.getBoolean(2),
                                    rs.getBoolean(3),
                                    rs.getBoolean(4)))
                    .as("superuser, createrole, createdb, replication")
                    .containsOnly(false);
            assertThat(rs.getBoolean(5)).as("member of warehouse_writer").isTrue();
        }
    }

    @Test
    void theJobsWriteRowsInTheirSchemas() throws Exception {
        try (Connection job = DriverManager.getConnection(url, LOGIN, PASSWORD);
                Statement st = job.createStatement()) {
            st.executeUpdate(
                    "INSERT INTO audit.load_audit (job_name, job_id, target_table, checkpoint_id,"
                            + " subtask, started_at) VALUES ('it', 'j1', 't', 1, 0, now())");
            st.executeUpdate(
                    "INSERT INTO staging.customer_changes (source_table, record_key,"
                            + " source_position, operation, source_version, ingested_at, job_id,"
                            + " load_id) VALUES ('customer', '1', 'p1', 'c', 1, now(), 'j1', 1)"
                            + " ON CONFLICT DO NOTHING");
            st.executeUpdate(
                    "INSERT INTO warehouse.dim_customer (customer_id, source_version) VALUES (1, 1)"
                            + " ON CONFLICT (customer_id) DO UPDATE SET source_version = 2");
            assertThat(
                            st.executeUpdate(
                                    "UPDATE warehouse.dim_customer SET is_deleted = TRUE"
                                            + " WHERE customer_id = 1"))
                    .isEqualTo(1);
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM audit.load_audit")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1);
            }
        }
    }

    @Test
    void noDdlAnywhere() throws Exception {
        try (Connection job = DriverManager.getConnection(url, LOGIN, PASSWORD);
                Statement st = job.createStatement()) {
            for (String ddl :
                    List.of(
                            "CREATE TABLE warehouse.sneaky (id INT)",
                            "CREATE TABLE staging.sneaky (id INT)",
                            "CREATE TABLE audit.sneaky (id INT)",
                            "CREATE TABLE public.sneaky (id INT)",
                            "CREATE SCHEMA sneaky",
                            "ALTER TABLE warehouse.dim_customer ADD COLUMN sneaky INT",
                            "DROP TABLE warehouse.turnstile_window",
                            "TRUNCATE warehouse.station_window",
                            "DELETE FROM audit.load_audit",
                            "INSERT INTO audit.flyway_schema_history (installed_rank, version,"
                                    + " description, type, script, installed_by, execution_time,"
                                    + " success) VALUES (999, '999', 'x', 'SQL', 'x', 'x', 0,"
                                    + " true)")) {
                assertThatThrownBy(() -> st.execute(ddl))
                        .as(ddl)
                        .isInstanceOf(SQLException.class)
                        .hasMessageMatching("(?s).*(permission denied|must be owner).*");
            }
        }
    }

    @Test
    void tablesOfLaterMigrationsAreWritableToo() throws Exception {
        // what a later versioned migration does, as the owner
        try (Connection owner =
                        DriverManager.getConnection(
                                url, POSTGRES.service().username(), POSTGRES.service().password());
                Statement st = owner.createStatement()) {
            st.execute(
                    "CREATE TABLE warehouse.later_table (id BIGINT GENERATED ALWAYS AS IDENTITY,"
                            + " v TEXT)");
        }
        try (Connection job = DriverManager.getConnection(url, LOGIN, PASSWORD);
                Statement st = job.createStatement()) {
            assertThat(st.executeUpdate("INSERT INTO warehouse.later_table (v) VALUES ('x')"))
                    .isEqualTo(1);
        }
    }

    @Test
    void roleNamesAreCheckedBeforeAnySqlRuns() throws Exception {
        try (Connection admin = POSTGRES.service().openConnection("postgres")) {
            assertThatThrownBy(
                            () ->
                                    WarehouseRoles.createJobLogin(
                                            admin, "x; DROP ROLE postgres", "p"))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> WarehouseRoles.createJobLogin(admin, "Job", "p"))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> WarehouseRoles.createJobLogin(admin, "job", ""))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
