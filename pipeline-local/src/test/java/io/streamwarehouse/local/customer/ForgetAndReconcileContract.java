package io.streamwarehouse.local.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.local.cli.CliProcess;
import io.streamwarehouse.local.report.WarehouseReport;
import io.streamwarehouse.local.services.PostgresExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./pipeline reconcile} and {@code ./pipeline forget} against a running customer-dimension
 * job (with history) for any source, each command run as its own process with the jobs' warehouse
 * login, as a scheduler or an operator would run it.
 *
 * <p>Reconcile: a warehouse equal to its source reconciles with no difference; differences injected
 * straight into the warehouse (a dimension row deleted, one altered, one the source never had, a
 * staging row no load wrote, a station window its turnstile windows do not add up to) are each
 * found, make the command exit non-zero, and {@code --fix} repairs the dimension's through the
 * job's writer.
 *
 * <p>Forget: a customer with personal data in the dimension, its history, staging and (where the
 * source allows it) dead letters is forgotten; then the source's log is replayed from a checkpoint
 * taken before, the customer changes again, and the job starts over without state and snapshots the
 * source again. At no point is any of its personal data anywhere in the warehouse, and it is no
 * reconciliation difference that the source still has it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
abstract class ForgetAndReconcileContract {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final Duration CLI_TIMEOUT = Duration.ofMinutes(2);

    /** Injected differences live here: no source has this customer or this station. */
    private static final int GHOST_CUSTOMER = 65000;

    private static final String GHOST_STATION = "INJECTED ST";

    protected SakilaSource source;
    protected CustomerJobRun job;
    private Path cliTmp;

    protected abstract SakilaSource createSource() throws Exception;

    /** Settings the subclass needs on top of source, warehouse, history and checkpoints. */
    protected Map<String, String> extraSettings() {
        return Map.of();
    }

    /** The dimension the job must produce: the source join with the job's e-mail policy. */
    protected Map<Integer, DimensionRows.Values> expectedDimension() throws Exception {
        return source.joinedCustomers();
    }

    /** Whether the source stores a NUL in a name, which the warehouse refuses (a dead letter). */
    protected boolean sourceAcceptsNul() {
        return false;
    }

    @BeforeAll
    void startJob(@TempDir Path checkpoints, @TempDir Path cliTmp) throws Exception {
        this.cliTmp = cliTmp;
        source = createSource();
        String warehouse = POSTGRES.newDatabase("forget");
        job =
                CustomerJobRun.prepare(
                        CustomerJobRun.merge(
                                List.of(
                                        source.config(),
                                        CustomerJobRun.warehouseSettings(
                                                POSTGRES.jdbcUrl(warehouse),
                                                POSTGRES.service().username(),
                                                POSTGRES.service().password()),
                                        Map.of("customer.history", "true"),
                                        extraSettings())),
                        checkpoints);
        job.start();
    }

    @AfterAll
    void stopJob() throws Exception {
        try {
            if (job != null) {
                job.close();
            }
        } finally {
            afterJob();
        }
    }

    /** Cleans up what the job leaves in the source once it no longer runs. */
    protected void afterJob() {}

    @Test
    @Order(1)
    void aWarehouseEqualToItsSourceReconcilesWithoutDifferences() throws Exception {
        awaitDimensionEqualsSourceJoin(Set.of());

        Cli reconcile = cli("reconcile", "--grace", "1 s");

        assertThat(reconcile.exit()).as(reconcile.output()).isZero();
        assertThat(reconcile.output()).contains("reconciled: 0 differences");
        try (Connection w = job.openWarehouse()) {
            assertThat(WarehouseChecks.strings(w, "SELECT differences FROM audit.reconcile_run"))
                    .containsExactly("0");
        }
    }

    @Test
    @Order(2)
    void reconcileFindsInjectedDifferencesAndFixRepairsTheDimension() throws Exception {
        List<Integer> ids = new ArrayList<>(expectedDimension().keySet());
        int deleted = ids.get(0);
        int altered = ids.get(1);
        try (Connection w = job.openWarehouse();
                Statement st = w.createStatement()) {
            st.executeUpdate("DELETE FROM warehouse.dim_customer WHERE customer_id = " + deleted);
            st.executeUpdate(
                    "UPDATE warehouse.dim_customer SET first_name = 'NOT ' || first_name,"
                            + " phone = '000' WHERE customer_id = "
                            + altered);
            st.executeUpdate(
                    "INSERT INTO warehouse.dim_customer (customer_id, first_name, source_version)"
                            + " VALUES ("
                            + GHOST_CUSTOMER
                            + ", 'GHOST', 0)");
            st.executeUpdate(
                    "INSERT INTO staging.customer_changes (source_table, record_key,"
                            + " source_position, operation, source_version, ingested_at, job_id,"
                            + " load_id) VALUES ('customer', '"
                            + GHOST_CUSTOMER
                            + "', 'injected', 'u', 1, now(), 'injected-job', 1)");
            st.executeUpdate(
                    "INSERT INTO warehouse.turnstile_window (window_start, window_end, ca, unit,"
                            + " scp, station, linename, division, reading_date, description,"
                            + " entries, exits, readings) VALUES ('2023-01-01 10:00',"
                            + " '2023-01-01 11:00', 'A001', 'R001', '00-00-00', '"
                            + GHOST_STATION
                            + "', 'Z', 'BMT', '2023-01-01', 'REGULAR', 5, 3, 4)");
            st.executeUpdate(
                    "INSERT INTO warehouse.station_window (window_start, window_end, station,"
                            + " linename, entries, exits, readings, turnstiles) VALUES"
                            + " ('2023-01-01 10:00', '2023-01-01 11:00', '"
                            + GHOST_STATION
                            + "', 'Z', 7, 3, 4, 1)");
        }

        Cli found = cli("reconcile", "--grace", "1 s");

        assertThat(found.exit()).as(found.output()).isEqualTo(1);
        assertThat(found.stdout())
                .contains(
                        "  dimension customer " + deleted + ": missing from the dimension",
                        "  dimension customer " + altered + ": differs in first_name, phone",
                        "  dimension customer "
                                + GHOST_CUSTOMER
                                + ": not in the source, but not flagged deleted",
                        "  staging-audit load injected-job checkpoint 1: staging holds 1 rows,"
                                + " its audit has no row",
                        "  station-window "
                                + GHOST_STATION
                                + " (Z) 2023-01-01T10:00 to 2023-01-01T11:00: station 7/3/4/1,"
                                + " turnstile windows add up to 5/3/4/1"
                                + " (entries/exits/readings/turnstiles)",
                        "reconciled: 5 differences (run 2)");
        try (Connection w = job.openWarehouse()) {
            assertThat(
                            WarehouseChecks.strings(
                                    w,
                                    "SELECT check_name || ' ' || item FROM"
                                            + " audit.reconcile_difference WHERE run_id = 2"
                                            + " ORDER BY 1"))
                    .containsExactly(
                            "dimension customer " + deleted,
                            "dimension customer " + altered,
                            "dimension customer " + GHOST_CUSTOMER,
                            "staging-audit load injected-job checkpoint 1",
                            "station-window "
                                    + GHOST_STATION
                                    + " (Z) 2023-01-01T10:00 to 2023-01-01T11:00");
            assertThat(WarehouseChecks.strings(w, "SELECT detail FROM audit.reconcile_difference"))
                    .as("the audit names columns, never their values")
                    .noneMatch(detail -> detail.contains("NOT ") || detail.contains("GHOST"));
        }
        assertThat(new WarehouseReport(job.warehouse, 5).render())
                .as("the report shows the last run's differences")
                .contains("<h1>Reconciliation</h1>", "differs in first_name, phone");

        Cli fixed = cli("reconcile", "--fix", "--grace", "0");

        assertThat(fixed.exit()).as("staging and windows are not --fix's").isEqualTo(1);
        assertThat(fixed.stdout())
                .contains("reconciled: 5 differences, 3 fixed, 2 remaining (run 3)");
        Map<Integer, DimensionRows.Values> expected = expectedDimension();
        try (Connection w = job.openWarehouse()) {
            Map<Integer, DimensionRows.DimRow> dimension = DimensionRows.read(w);
            assertThat(dimension.get(deleted).values()).isEqualTo(expected.get(deleted));
            assertThat(dimension.get(altered).values()).isEqualTo(expected.get(altered));
            assertThat(dimension.get(deleted).deleted()).isFalse();
            assertThat(dimension.get(GHOST_CUSTOMER).deleted()).isTrue();
            assertThat(dimension.get(GHOST_CUSTOMER).deletedAt()).isNotNull();
            assertThat(
                            WarehouseChecks.strings(
                                    w,
                                    "SELECT rows_inserted || '/' || rows_updated || '/'"
                                            + " || rows_deleted FROM audit.load_audit"
                                            + " WHERE job_name = 'reconcile'"
                                            + " AND target_table = 'warehouse.dim_customer'"))
                    .as("written and audited by the job's writer: inserted/updated/deleted")
                    .containsExactly("1/1/1");
            try (Statement st = w.createStatement()) {
                st.executeUpdate(
                        "DELETE FROM staging.customer_changes WHERE job_id = 'injected-job'");
                st.executeUpdate(
                        "DELETE FROM warehouse.turnstile_window WHERE station = '"
                                + GHOST_STATION
                                + "'");
                st.executeUpdate(
                        "DELETE FROM warehouse.station_window WHERE station = '"
                                + GHOST_STATION
                                + "'");
                st.executeUpdate(
                        "DELETE FROM warehouse.dim_customer WHERE customer_id = " + GHOST_CUSTOMER);
            }
        }

        Cli clean = cli("reconcile", "--grace", "0");
        assertThat(clean.exit()).as(clean.output()).isZero();
        awaitDimensionEqualsSourceJoin(Set.of());
    }

    @Test
    @Order(3)
    void aForgottenCustomerLeavesNoTraceThroughReplayAndResnapshot() throws Exception {
        List<Integer> alone = customersWithTheirOwnAddress();
        int forgotten = alone.get(10);
        int other = alone.get(20);
        List<String> markers = new ArrayList<>(List.of("ZXQ", "QJVFORGOTTEN", "5550199777"));
        if (sourceAcceptsNul()) {
            updateSource(
                    "UPDATE customer SET first_name = ? WHERE customer_id = ?",
                    "ZXQ\0NUL",
                    forgotten);
            awaitWarehouse(
                    "the refused name dead-lettered under its key",
                    w ->
                            WarehouseChecks.count(
                                            w,
                                            "SELECT count(*) FROM audit.dead_letters"
                                                    + " WHERE record_key = 'customer:"
                                                    + forgotten
                                                    + "'")
                                    >= 2);
        }
        updateSource(
                "UPDATE customer SET first_name = ?, last_name = ?, email = ? WHERE customer_id = ?",
                "ZXQFORGET",
                "QJVFORGOTTEN",
                "zxq.forgotten@example.org",
                forgotten);
        updateSource(
                "UPDATE address SET phone = ? WHERE address_id ="
                        + " (SELECT address_id FROM customer WHERE customer_id = ?)",
                "5550199777",
                forgotten);
        awaitWarehouse(
                "the customer's new data in the dimension and its history",
                w ->
                        WarehouseChecks.count(
                                                w,
                                                "SELECT count(*) FROM warehouse.dim_customer"
                                                        + " WHERE first_name = 'ZXQFORGET'"
                                                        + " AND phone = '5550199777'")
                                        == 1
                                && WarehouseChecks.count(
                                                w,
                                                "SELECT count(*) FROM"
                                                        + " warehouse.dim_customer_history"
                                                        + " WHERE customer_id = "
                                                        + forgotten
                                                        + " AND is_current AND phone = '5550199777'")
                                        == 1);
        try (Connection w = job.openWarehouse()) {
            // as stored: a hash or a mask where the e-mail policy says so
            markers.add(
                    WarehouseChecks.strings(
                                    w,
                                    "SELECT email FROM warehouse.dim_customer WHERE customer_id = "
                                            + forgotten)
                            .get(0));
            markers.add("zxq.forgotten");
            assertThat(traces(w, markers)).as("the search finds the data before").isNotEmpty();
        }

        job.cancel();
        Path beforeForgetting = job.latestCheckpoint();
        updateSource(
                "UPDATE customer SET last_name = ? WHERE customer_id = ?", "QJVLATER", forgotten);
        markers.add("QJVLATER");

        Cli forget = cli("forget", "--customer-id", String.valueOf(forgotten));

        assertThat(forget.exit()).as(forget.output()).isZero();
        assertThat(forget.stdout())
                .anyMatch(l -> l.startsWith("forget: customer " + forgotten + " forgotten at"));
        try (Connection w = job.openWarehouse()) {
            assertThat(traces(w, markers)).isEmpty();
            assertThat(
                            WarehouseChecks.count(
                                    w,
                                    "SELECT count(*) FROM warehouse.forgotten_customer"
                                            + " WHERE customer_id = "
                                            + forgotten
                                            + " AND forgotten_at IS NOT NULL"))
                    .as("the tombstone")
                    .isEqualTo(1);
            assertThat(
                            WarehouseChecks.count(
                                    w,
                                    "SELECT count(*) FROM audit.forget_log WHERE customer_id = "
                                            + forgotten
                                            + " AND dimension_rows = 1 AND history_rows > 0"
                                            + " AND staged_images > 0"
                                            + " AND requested_by = '"
                                            + job.jobConfig().values().get("warehouse.username")
                                            + "'"))
                    .as("the audit of the request")
                    .isEqualTo(1);
        }

        // the log again from before the forget, then a change after it
        job.restore(beforeForgetting);
        updateSource(
                "UPDATE customer SET last_name = ? WHERE customer_id = ?", "QJVAGAIN", forgotten);
        markers.add("QJVAGAIN");
        updateSource(
                "UPDATE customer SET first_name = ? WHERE customer_id = ?", "MARKERONE", other);
        awaitWarehouse(
                "a later change of another customer loaded",
                w ->
                        WarehouseChecks.count(
                                        w,
                                        "SELECT count(*) FROM warehouse.dim_customer"
                                                + " WHERE first_name = 'MARKERONE'")
                                == 1);
        try (Connection w = job.openWarehouse()) {
            assertThat(traces(w, markers)).as("after the replay").isEmpty();
        }

        // no state: the job snapshots the whole source again
        job.cancel();
        job.start();
        // a snapshot read is staged again only if the row changed since the last snapshot
        awaitWarehouse(
                "the second snapshot staged",
                w -> snapshotReads(w, forgotten) == 2 && snapshotReads(w, other) == 2);
        // after the snapshot: a snapshot read (version 0) never overwrites a streamed change
        updateSource(
                "UPDATE customer SET first_name = ? WHERE customer_id = ?", "MARKERTWO", other);
        awaitWarehouse(
                "a change after the snapshot loaded",
                w ->
                        WarehouseChecks.count(
                                        w,
                                        "SELECT count(*) FROM warehouse.dim_customer"
                                                + " WHERE first_name = 'MARKERTWO'")
                                == 1);
        try (Connection w = job.openWarehouse()) {
            assertThat(traces(w, markers)).as("after the snapshot").isEmpty();
            assertThat(
                            WarehouseChecks.count(
                                    w,
                                    "SELECT count(*) FROM staging.customer_changes"
                                            + " WHERE source_table = 'customer' AND record_key = '"
                                            + forgotten
                                            + "' AND before_image IS NULL AND after_image IS NULL"))
                    .as("its changes still staged, without their images")
                    .isGreaterThanOrEqualTo(3);
            assertThat(
                            WarehouseChecks.count(
                                    w,
                                    "SELECT count(*) FROM staging.customer_changes"
                                            + " WHERE source_table = 'customer' AND record_key = '"
                                            + forgotten
                                            + "' AND (before_image IS NOT NULL"
                                            + " OR after_image IS NOT NULL)"))
                    .isZero();
        }
        awaitDimensionEqualsSourceJoin(Set.of(forgotten));

        Cli reconcile = cli("reconcile", "--grace", "0");
        assertThat(reconcile.exit()).as(reconcile.output()).isZero();
        assertThat(reconcile.output()).contains("reconciled: 0 differences");
    }

    /**
     * Every row of every staging, warehouse and audit table whose text contains one of the markers,
     * as {@code table: marker}.
     */
    private static List<String> traces(Connection w, List<String> markers) throws SQLException {
        List<String> tables =
                WarehouseChecks.strings(
                        w,
                        "SELECT table_schema || '.' || table_name FROM information_schema.tables"
                                + " WHERE table_schema IN ('staging', 'warehouse', 'audit')"
                                + " AND table_type = 'BASE TABLE' ORDER BY 1");
        assertThat(tables).contains("staging.customer_changes", "audit.dead_letters");
        List<String> found = new ArrayList<>();
        for (String table : tables) {
            for (String marker : markers) {
                try (PreparedStatement ps =
                        w.prepareStatement(
                                "SELECT count(*) FROM "
                                        + table
                                        + " t WHERE strpos(t::text, ?) > 0")) {
                    ps.setString(1, marker);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) > 0) {
                            found.add(table + ": " + marker);
                        }
                    }
                }
            }
        }
        return found;
    }

    private static long snapshotReads(Connection w, int customerId) throws SQLException {
        return WarehouseChecks.count(
                w,
                "SELECT count(*) FROM staging.customer_changes WHERE operation = 'r'"
                        + " AND source_table = 'customer' AND record_key = '"
                        + customerId
                        + "'");
    }

    /** Live customers whose address no other customer shares, by id. */
    private List<Integer> customersWithTheirOwnAddress() throws SQLException {
        List<Integer> ids = new ArrayList<>();
        try (Connection c = source.openAdmin();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT c.customer_id FROM customer c WHERE NOT EXISTS"
                                        + " (SELECT 1 FROM customer o WHERE o.address_id ="
                                        + " c.address_id AND o.customer_id <> c.customer_id)"
                                        + " ORDER BY 1")) {
            while (rs.next()) {
                ids.add(rs.getInt(1));
            }
        }
        return ids;
    }

    private void updateSource(String sql, Object... params) throws SQLException {
        try (Connection c = source.openAdmin();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            assertThat(ps.executeUpdate()).isEqualTo(1);
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }

    @FunctionalInterface
    private interface WarehouseCondition {
        boolean holds(Connection w) throws Exception;
    }

    private void awaitWarehouse(String what, WarehouseCondition condition) {
        await(what)
                .atMost(CustomerJobRun.TIMEOUT)
                .pollInterval(Duration.ofMillis(300))
                .until(
                        () -> {
                            try (Connection w = job.openWarehouse()) {
                                return condition.holds(w);
                            }
                        });
    }

    /** Waits until the dimension equals the source join, but for the customers left out. */
    private void awaitDimensionEqualsSourceJoin(Set<Integer> leftOut) {
        await("dimension equals the source join")
                .atMost(CustomerJobRun.TIMEOUT)
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(
                        () -> {
                            Map<Integer, DimensionRows.Values> expected = expectedDimension();
                            expected.keySet().removeAll(leftOut);
                            try (Connection w = job.openWarehouse()) {
                                assertThat(
                                                DimensionRows.differences(
                                                        expected, DimensionRows.read(w), List.of()))
                                        .isEmpty();
                            }
                        });
    }

    /** A finished {@code ./pipeline} process. */
    record Cli(int exit, List<String> stdout, String output) {}

    /** {@code ./pipeline ARGS} with the job's settings (its warehouse login) in the environment. */
    private Cli cli(String... args) throws Exception {
        Map<String, String> environment = new HashMap<>();
        job.jobConfig().values().forEach((k, v) -> environment.put(PipelineConfig.envName(k), v));
        try (CliProcess process = CliProcess.start(cliTmp, null, environment, args)) {
            int exit = process.waitForExit(CLI_TIMEOUT);
            return new Cli(exit, List.copyOf(process.stdout()), process.allOutput());
        }
    }
}
