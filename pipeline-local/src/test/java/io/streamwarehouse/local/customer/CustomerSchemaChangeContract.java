package io.streamwarehouse.local.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.streamwarehouse.customer.SourceSchemaChanged;
import io.streamwarehouse.local.flink.LocalCluster.LocalClusterException;
import io.streamwarehouse.local.services.PostgresExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobStatus;
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
 * Column changes of the source tables while the customer job runs, for any source. Under the
 * default {@code lenient} behaviour, columns added to customer and address and an unused column
 * dropped leave the job running and the dimension equal to the source join, and staging keeps the
 * new columns' values; a change that breaks the mapping fails the job for good with one line naming
 * the column and what to do, and nothing of the change that met the new columns is written. A
 * second pipeline under {@code exception} fails on a mere added column.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
abstract class CustomerSchemaChangeContract {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    private final List<CustomerJobRun> runs = new java.util.ArrayList<>();
    protected SakilaSource source;
    protected CustomerJobRun job;
    protected SourceChanges changes;

    /**
     * A fresh source database with the sample.
     *
     * @param pipeline 1 or 2: each pipeline needs its own source (and replication slot or server
     *     ids)
     */
    protected abstract SakilaSource createSource(int pipeline) throws Exception;

    /** The statements of a change that breaks the mapping, and the column it breaks. */
    protected record BreakingChange(String column, List<String> statements) {}

    protected abstract BreakingChange breakingChange();

    /** The statements that widen customer.customer_id past INTEGER, as a growing shop would. */
    protected abstract List<String> widenKey();

    /** Cleans up what the jobs leave in the sources once they no longer run. */
    protected void afterJobs() {}

    @BeforeAll
    void startJob(@TempDir Path checkpoints) throws Exception {
        source = createSource(1);
        job = startPipeline(source, checkpoints.resolve("1"), Map.of());
        changes = SourceChanges.on(source, 31);
    }

    private CustomerJobRun startPipeline(
            SakilaSource source, Path checkpoints, Map<String, String> settings) throws Exception {
        String warehouse = POSTGRES.newDatabase("schema");
        CustomerJobRun run =
                CustomerJobRun.prepare(
                        CustomerJobRun.merge(
                                List.of(
                                        source.config(),
                                        CustomerJobRun.warehouseSettings(
                                                POSTGRES.jdbcUrl(warehouse),
                                                POSTGRES.service().username(),
                                                POSTGRES.service().password()),
                                        settings)),
                        checkpoints);
        runs.add(run);
        run.start();
        return run;
    }

    @AfterAll
    void stopJobs() throws Exception {
        try {
            if (changes != null) {
                changes.close();
            }
            for (CustomerJobRun run : runs) {
                run.close();
            }
        } finally {
            afterJobs();
        }
    }

    @Test
    @Order(1)
    void addedColumnsKeepTheJobRunningAndReachStaging() throws Exception {
        awaitDimensionEqualsSourceJoin(job, source);
        int customer = changes.liveCustomers().get(2);
        int address = addressOf(customer);
        source.execute(
                "ALTER TABLE customer ADD COLUMN loyalty_tier VARCHAR(16)",
                "ALTER TABLE address ADD COLUMN geo_note VARCHAR(32)",
                "UPDATE customer SET loyalty_tier = 'gold', first_name = 'GOLDIE'"
                        + " WHERE customer_id = "
                        + customer,
                "UPDATE address SET geo_note = 'corner shop', phone = '5550199'"
                        + " WHERE address_id = "
                        + address);
        changes.applyAny(6);

        awaitDimensionEqualsSourceJoin(job, source);
        try (Connection w = job.openWarehouse()) {
            assertThat(
                            WarehouseChecks.count(
                                    w,
                                    "SELECT count(*) FROM staging.customer_changes"
                                            + " WHERE source_table = 'customer' AND record_key = '"
                                            + customer
                                            + "' AND after_image ->> 'loyalty_tier' = 'gold'"))
                    .as("staging keeps the added customer column's value")
                    .isEqualTo(1);
            assertThat(
                            WarehouseChecks.count(
                                    w,
                                    "SELECT count(*) FROM staging.customer_changes"
                                            + " WHERE source_table = 'address' AND record_key = '"
                                            + address
                                            + "' AND after_image ->> 'geo_note' = 'corner shop'"))
                    .as("staging keeps the added address column's value")
                    .isEqualTo(1);
        }
        assertThat(job.failure()).as("no failover on added columns").isEmpty();
    }

    @Test
    @Order(2)
    void droppedUnusedColumnKeepsTheJobRunning() throws Exception {
        int address = addressOf(changes.liveCustomers().get(4));
        source.execute(
                "ALTER TABLE address DROP COLUMN geo_note",
                "UPDATE address SET phone = '5550123' WHERE address_id = " + address);
        changes.applyAny(4);
        awaitDimensionEqualsSourceJoin(job, source);
        assertThat(job.failure()).as("no failover on a dropped unused column").isEmpty();
        assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
    }

    @Test
    @Order(3)
    void aWidenedKeyKeepsTheDimensionMovingAndRejectsOnlyTheRowsThatDoNotFit() throws Exception {
        int customer = changes.liveCustomers().get(8);
        long tooLarge = 3_000_000_000L;
        source.execute(widenKey().toArray(String[]::new));
        source.execute(
                "UPDATE customer SET first_name = 'WIDENED' WHERE customer_id = " + customer,
                "INSERT INTO customer (customer_id, store_id, first_name, last_name, email,"
                        + " address_id, active, create_date) SELECT "
                        + tooLarge
                        + ", store_id, 'TOO', 'LARGE', email, address_id, active, create_date"
                        + " FROM customer WHERE customer_id = "
                        + customer);
        await("the row past INTEGER in audit.source_rejects")
                .atMost(CustomerJobRun.TIMEOUT)
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(
                        () -> {
                            try (Connection w = job.openWarehouse()) {
                                assertThat(
                                                WarehouseChecks.count(
                                                        w,
                                                        "SELECT count(*) FROM audit.source_rejects"
                                                                + " WHERE source_table = 'customer'"
                                                                + " AND record_key = '"
                                                                + tooLarge
                                                                + "' AND reason LIKE"
                                                                + " '%customer_id does not fit"
                                                                + " INTEGER%'"))
                                        .isEqualTo(1);
                            }
                        });
        // the source corrected: the dimension holds every customer it can
        source.execute("DELETE FROM customer WHERE customer_id = " + tooLarge);
        changes.applyAny(4);
        awaitDimensionEqualsSourceJoin(job, source);
        try (Connection w = job.openWarehouse()) {
            assertThat(
                            WarehouseChecks.count(
                                    w,
                                    "SELECT count(*) FROM warehouse.dim_customer WHERE customer_id"
                                            + " = "
                                            + customer
                                            + " AND first_name = 'WIDENED'"))
                    .as("a customer whose key still fits keeps moving")
                    .isEqualTo(1);
            assertThat(
                            WarehouseChecks.count(
                                    w,
                                    "SELECT count(*) FROM audit.source_rejects"
                                            + " WHERE record_key <> '"
                                            + tooLarge
                                            + "'"))
                    .as("nothing else rejected")
                    .isZero();
        }
        assertThat(job.failure()).as("no failover on a widened key").isEmpty();
        assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
    }

    @Test
    @Order(4)
    void mappingBreakFailsTheJobNamingTheColumnWithNothingHalfWritten() throws Exception {
        int customer = changes.liveCustomers().get(6);
        String before;
        try (Connection w = job.openWarehouse()) {
            before = DimensionRows.read(w).get(customer).toString();
        }
        BreakingChange change = breakingChange();
        source.execute(change.statements().toArray(String[]::new));
        source.execute(
                "UPDATE customer SET first_name = 'AFTER BREAK' WHERE customer_id = " + customer);

        String failure = job.awaitFailedForGood();
        String line = SourceSchemaChanged.messageIn(failure);
        assertThat(line)
                .as("the failure's one line, in:\n%s", failure)
                .isNotNull()
                .contains("customer." + change.column())
                .contains("./pipeline resnapshot customer-dimension")
                .doesNotContain("\n");
        assertThatThrownBy(job::checkUnrecoverable)
                .as("what ./pipeline run prints")
                .isInstanceOf(LocalClusterException.class)
                .hasMessage(line);
        try (Connection w = job.openWarehouse()) {
            assertThat(
                            WarehouseChecks.count(
                                    w,
                                    "SELECT count(*) FROM staging.customer_changes"
                                            + " WHERE after_image ->> 'first_name' = 'AFTER BREAK'"))
                    .as("the change that met the broken mapping is not staged")
                    .isZero();
            assertThat(DimensionRows.read(w).get(customer).toString())
                    .as("nor in the dimension")
                    .isEqualTo(before);
        }
    }

    @Test
    @Order(5)
    void exceptionBehaviourFailsOnAnAddedColumn(@TempDir Path checkpoints) throws Exception {
        SakilaSource strictSource = createSource(2);
        CustomerJobRun strict =
                startPipeline(
                        strictSource,
                        checkpoints,
                        Map.of("source.schema-change-behavior", "exception"));
        awaitDimensionEqualsSourceJoin(strict, strictSource);
        strictSource.execute(
                "ALTER TABLE customer ADD COLUMN loyalty_tier VARCHAR(16)",
                "UPDATE customer SET first_name = 'STRICT' WHERE customer_id = 1");

        String line = SourceSchemaChanged.messageIn(strict.awaitFailedForGood());
        assertThat(line)
                .isNotNull()
                .contains("customer", "added loyalty_tier", "schema-change-behavior");
        try (Connection w = strict.openWarehouse()) {
            assertThat(
                            WarehouseChecks.count(
                                    w,
                                    "SELECT count(*) FROM staging.customer_changes"
                                            + " WHERE after_image ->> 'first_name' = 'STRICT'"))
                    .isZero();
        }
    }

    private int addressOf(int customer) throws Exception {
        try (Connection c = source.openAdmin();
                var st = c.createStatement();
                var rs =
                        st.executeQuery(
                                "SELECT address_id FROM customer WHERE customer_id = "
                                        + customer)) {
            assertThat(rs.next()).isTrue();
            return rs.getInt(1);
        }
    }

    private void awaitDimensionEqualsSourceJoin(CustomerJobRun run, SakilaSource of) {
        await("dimension equals the source join")
                .atMost(CustomerJobRun.TIMEOUT)
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(
                        () -> {
                            try (Connection w = run.openWarehouse()) {
                                assertThat(
                                                DimensionRows.differences(
                                                        of.joinedCustomers(),
                                                        DimensionRows.read(w),
                                                        of == source
                                                                ? changes.deletedCustomers()
                                                                : List.of()))
                                        .isEmpty();
                            }
                        });
    }
}
