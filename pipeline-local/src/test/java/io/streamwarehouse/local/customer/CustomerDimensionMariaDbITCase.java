package io.streamwarehouse.local.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

import io.streamwarehouse.customer.CustomerDimension;
import io.streamwarehouse.local.customer.DimensionRows.DimRow;
import io.streamwarehouse.local.services.MariaDbExtension;
import io.streamwarehouse.warehouse.DimCustomerWriter;
import io.streamwarehouse.warehouse.Load;
import io.streamwarehouse.warehouse.LoadCommitter;
import io.streamwarehouse.warehouse.RowOutcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.executiongraph.ErrorInfo;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The customer-dimension job reading MariaDB's binlog: snapshot, changes and restore (from the
 * contract), then a backfill that must not overwrite newer values, and a failover while the
 * warehouse rejects writes.
 */
class CustomerDimensionMariaDbITCase extends CustomerDimensionContract {

    @RegisterExtension static final MariaDbExtension MARIADB = new MariaDbExtension();

    @Override
    protected SakilaSource createSource() throws Exception {
        return SakilaSource.mariaDb(MARIADB, "cdc_dim_maria", "5610-5614");
    }

    @Override
    protected void stopSource() {
        MARIADB.service().stopForOutage();
    }

    @Override
    protected void startSource() {
        MARIADB.service().startAgain();
    }

    @Override
    protected Map<String, String> extraSettings() {
        // A warehouse outage longer than this fails the writer over to Flink's restart strategy;
        // short so the failover test does not wait minutes for it.
        return Map.of("warehouse.retry-timeout", "1 s");
    }

    /**
     * A second writer (a backfill, a replay of staging) brings an image older than the stored one:
     * the stored row stays as it was, and the writer's audit row counts the row as skipped.
     */
    @Test
    @Order(4)
    void olderChangeDoesNotOverwriteNewerValue() throws Exception {
        try (Connection w = job.openWarehouse()) {
            DimRow current =
                    DimensionRows.read(w).values().stream()
                            .filter(r -> r.sourceVersion() > 0 && !r.deleted())
                            .findFirst()
                            .orElseThrow();
            int id = current.customerId();
            // older than what the job wrote, and with another first name
            Row older = dimensionRow(w, id);
            older.setField("first_name", "STALE " + older.getField("first_name"));
            older.setField("source_version", current.sourceVersion() - 1);
            String backfillRun = "backfill-" + UUID.randomUUID();
            Map<RowOutcome, Long> outcome;
            try (LoadCommitter<Row> backfill =
                    new LoadCommitter<>(job.warehouse, new DimCustomerWriter(0L))) {
                outcome =
                        backfill.commit(
                                new Load<>(
                                        "customer-backfill",
                                        backfillRun,
                                        1L,
                                        0,
                                        System.currentTimeMillis(),
                                        List.of(older)));
            }

            assertThat(outcome).containsExactly(entry(RowOutcome.SKIPPED, 1L));
            assertThat(DimensionRows.read(w).get(id)).isEqualTo(current);
            assertThat(
                            WarehouseChecks.count(
                                    w,
                                    "SELECT count(*) FROM audit.load_audit WHERE job_id = '"
                                            + backfillRun
                                            + "' AND target_table = 'warehouse.dim_customer'"
                                            + " AND rows_skipped = 1 AND rows_inserted = 0"
                                            + " AND rows_updated = 0 AND rows_deleted = 0"))
                    .as("the backfill's audit row counts the row as skipped")
                    .isEqualTo(1);
        }
    }

    /**
     * The staging table disappears for a moment: the writer gives up after its retry timeout, the
     * task fails, and Flink's restart strategy restores the job from its last checkpoint, which
     * still holds the load that could not be written. Afterwards every change is staged once, every
     * audit row exists once, and the dimension equals the join.
     */
    @Test
    @Order(5)
    void failoverAfterWarehouseOutageLosesAndDuplicatesNothing() throws Exception {
        assertThat(job.failure()).as("no task failed before the outage").isEmpty();
        try (Connection admin = job.openWarehouse()) {
            try (Statement st = admin.createStatement()) {
                st.execute("ALTER TABLE staging.customer_changes RENAME TO customer_changes_gone");
            }
            try {
                changes.applyAny(4);
                await("the staging writer fails over")
                        .atMost(CustomerJobRun.TIMEOUT)
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> job.failure().isPresent());
            } finally {
                try (Statement st = admin.createStatement()) {
                    st.execute(
                            "ALTER TABLE staging.customer_changes_gone RENAME TO customer_changes");
                }
            }
        }
        ErrorInfo failure = job.failure().orElseThrow();
        assertThat(failure.getExceptionAsString()).contains("customer_changes");

        changes.applyAny(4);
        awaitDimensionEqualsSourceJoin();
        assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
    }

    /**
     * A NUL in a source string is valid in MariaDB and refused by PostgreSQL, in the staged JSON
     * image (22P05) and in the dimension's text column (22021). Neither may block its load nor be
     * retried for ever: both rows land in audit.dead_letters, every other change of those loads
     * commits, the job never fails, and once the source is corrected the dimension equals the
     * source join again.
     */
    @Test
    @Order(20)
    void aRowTheWarehouseRefusesIsDeadLetteredAndTheRestLoads() throws Exception {
        // last: the staged changes no longer add up to the source's once rows are dead-lettered
        long lastFailure = job.failure().map(ErrorInfo::getTimestamp).orElse(0L);
        int poisoned = changes.liveCustomers().get(3);
        changes.setFirstName(poisoned, "ANN\0MARIE");
        changes.applyAny(5);
        await("both refused rows dead-lettered")
                .atMost(CustomerJobRun.TIMEOUT)
                .pollInterval(Duration.ofMillis(300))
                .untilAsserted(
                        () -> {
                            try (Connection w = job.openWarehouse()) {
                                assertThat(deadLetters(w))
                                        .containsExactly(
                                                "staging.customer_changes 22P05",
                                                "warehouse.dim_customer 22021");
                            }
                        });
        try (Connection w = job.openWarehouse()) {
            assertThat(
                            WarehouseChecks.strings(
                                    w, "SELECT row_content FROM audit.dead_letters ORDER BY 1"))
                    .allMatch(row -> row.contains("ANN\\u0000MARIE"));
            assertThat(
                            WarehouseChecks.count(
                                    w,
                                    "SELECT coalesce(sum(rows_dead_lettered), 0)"
                                            + " FROM audit.load_audit"))
                    .as("the loads' audit rows count them")
                    .isEqualTo(2);
        }

        changes.setFirstName(poisoned, "ANN MARIE");
        await("the corrected name and every other change in the dimension")
                .atMost(CustomerJobRun.TIMEOUT)
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(
                        () -> {
                            try (Connection w = job.openWarehouse()) {
                                assertThat(
                                                DimensionRows.differences(
                                                        expectedDimension(),
                                                        DimensionRows.read(w),
                                                        changes.deletedCustomers()))
                                        .isEmpty();
                                // the correction's before-image still holds the NUL
                                assertThat(deadLetters(w))
                                        .containsExactly(
                                                "staging.customer_changes 22P05",
                                                "staging.customer_changes 22P05",
                                                "warehouse.dim_customer 22021");
                                Map<String, Long> staged = WarehouseChecks.stagedChanges(w);
                                staged.merge("customer:u", 2L, Long::sum);
                                assertThat(staged)
                                        .as("staged or dead-lettered, every change once")
                                        .isEqualTo(changes.rowChanges());
                            }
                        });
        assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(job.failure().map(ErrorInfo::getTimestamp).orElse(0L))
                .as("no retry loop, no failover since the test began")
                .isEqualTo(lastFailure);
    }

    /** Each dead letter as its table and SQLSTATE. */
    private static List<String> deadLetters(Connection w) throws Exception {
        return WarehouseChecks.strings(
                w, "SELECT target_table || ' ' || sql_state FROM audit.dead_letters ORDER BY 1");
    }

    /** The stored dimension row with the Java types the job's rows carry. */
    private static Row dimensionRow(Connection w, int customerId) throws Exception {
        try (PreparedStatement ps =
                w.prepareStatement("SELECT * FROM warehouse.dim_customer WHERE customer_id = ?")) {
            ps.setInt(1, customerId);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                Row row = Row.withNames();
                for (String column : CustomerDimension.COLUMNS) {
                    Object value = rs.getObject(column);
                    if (value instanceof Timestamp t) {
                        // create_date is wall-clock time; the others are instants
                        value = column.equals("create_date") ? t.toLocalDateTime() : t.toInstant();
                    }
                    row.setField(column, value);
                }
                return row;
            }
        }
    }
}
