package io.streamwarehouse.local.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.local.cli.CliProcess;
import io.streamwarehouse.local.customer.DimensionRows.DimRow;
import io.streamwarehouse.local.services.PostgresExtension;
import io.streamwarehouse.samples.customer.ChangeSimulator.Kind;
import io.streamwarehouse.warehouse.SnapshotSweep;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.JobID;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A re-snapshot over a warehouse that an earlier job lifetime filled, for any source: the earlier
 * job stops, the source changes while no job reads its log (customers deleted, renamed, moved,
 * added), and a job started without state loads the source again while the dimension keeps serving,
 * with more changes committed during its snapshot. Afterwards the dimension equals the source join
 * (computed by the source itself), every row belongs to the new snapshot's epoch, the customers
 * deleted meanwhile are soft-deleted, and the audit shows the re-snapshot's loads apart from the
 * first lifetime's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
abstract class CustomerResnapshotContract {
    private static final Logger LOG = LoggerFactory.getLogger(CustomerResnapshotContract.class);

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    protected SakilaSource source;
    protected CustomerJobRun job;
    protected SourceChanges changes;

    private long firstEpoch;

    protected abstract SakilaSource createSource() throws Exception;

    /** Settings of the first lifetime on top of source, warehouse and checkpoints. */
    protected Map<String, String> extraSettings() {
        return Map.of();
    }

    /** The settings the re-snapshot changes, e.g. the e-mail policy. */
    protected UnaryOperator<PipelineConfig> resnapshotSettings() {
        return config -> config;
    }

    /** The dimension the first lifetime must produce. */
    protected Map<Integer, DimensionRows.Values> expectedFirst() throws Exception {
        return source.joinedCustomers();
    }

    /** The dimension the re-snapshot must produce. */
    protected Map<Integer, DimensionRows.Values> expectedAfterResnapshot() throws Exception {
        return source.joinedCustomers();
    }

    /** Cleans up what the job leaves in the source once it no longer runs. */
    protected void afterJob() {}

    @BeforeAll
    void startJob(@TempDir Path checkpoints) throws Exception {
        source = createSource();
        String warehouse = POSTGRES.newDatabase("resnap");
        job =
                CustomerJobRun.prepare(
                        CustomerJobRun.merge(
                                List.of(
                                        source.config(),
                                        CustomerJobRun.warehouseSettings(
                                                POSTGRES.jdbcUrl(warehouse),
                                                POSTGRES.service().username(),
                                                POSTGRES.service().password()),
                                        extraSettings())),
                        checkpoints);
        job.start();
        changes = SourceChanges.on(source, 23);
    }

    @AfterAll
    void stopJob() throws Exception {
        try {
            if (changes != null) {
                changes.close();
            }
        } finally {
            if (job != null) {
                job.close();
            }
            afterJob();
        }
    }

    @Test
    @Order(1)
    void firstLifetimeLoadsTheSource() throws Exception {
        changes.applyAny(6);
        awaitDimension(this::expectedFirst);
        try (Connection w = job.openWarehouse()) {
            firstEpoch =
                    WarehouseChecks.count(
                            w, "SELECT min(snapshot_epoch) FROM warehouse.dim_customer");
            assertThat(firstEpoch)
                    .as("every row carries the epoch of the lifetime that wrote it")
                    .isPositive()
                    .isEqualTo(
                            WarehouseChecks.count(
                                    w, "SELECT max(snapshot_epoch) FROM warehouse.dim_customer"));
        }
    }

    @Test
    @Order(2)
    void resnapshotReplacesEveryRowAndSoftDeletesWhatTheSourceLost() throws Exception {
        assertThat(firstEpoch).as("the first lifetime ran").isPositive();
        JobID firstRun = job.jobId();
        job.cancel();
        int servedBefore;
        try (Connection w = job.openWarehouse()) {
            servedBefore = DimensionRows.read(w).size();
        }

        // while no job reads the change log: nothing of this reaches the warehouse as a change
        List<Integer> deletedMeanwhile =
                List.of(
                        changes.apply(Kind.DELETE_CUSTOMER).key(),
                        changes.apply(Kind.DELETE_CUSTOMER).key());
        changes.apply(Kind.UPDATE_NAME);
        changes.apply(Kind.MOVE_ADDRESS);
        changes.apply(Kind.INSERT_CUSTOMER);
        changes.apply(Kind.CITY_RENAME);

        Instant since = Instant.now();
        JobID secondRun = job.startFresh(resnapshotSettings());
        try (Connection w = job.openWarehouse()) {
            assertThat(DimensionRows.read(w))
                    .as("the dimension keeps serving while the source is loaded again")
                    .hasSizeGreaterThanOrEqualTo(servedBefore);
        }
        // committed after the new snapshot started: these must win over its reads
        changes.apply(Kind.UPDATE_EMAIL);
        changes.apply(Kind.UPDATE_NAME);
        changes.apply(Kind.INSERT_CUSTOMER);
        changes.apply(Kind.SHARED_ADDRESS_CHANGE);

        SnapshotSweep.Result result =
                new SnapshotSweep(job.jobConfig())
                        .awaitAndSweep(since, CustomerJobRun.TIMEOUT, LOG::info);
        changes.apply(Kind.UPDATE_NAME);

        assertThat(result.epoch()).isGreaterThan(firstEpoch);
        assertThat(result.softDeleted())
                .as("the customers deleted while no job read the log")
                .isEqualTo(deletedMeanwhile.size());
        awaitDimension(this::expectedAfterResnapshot);

        try (Connection w = job.openWarehouse()) {
            Map<Integer, DimRow> dimension = DimensionRows.read(w);
            assertThat(deletedMeanwhile)
                    .allSatisfy(id -> assertThat(dimension.get(id).deleted()).isTrue());
            assertThat(
                            WarehouseChecks.count(
                                    w,
                                    "SELECT count(*) FROM warehouse.dim_customer"
                                            + " WHERE snapshot_epoch <> "
                                            + result.epoch()
                                            + " AND NOT is_deleted"))
                    .as("every live row belongs to the new snapshot")
                    .isZero();
            assertThat(
                            WarehouseChecks.count(
                                    w,
                                    "SELECT count(*) FROM audit.load_audit"
                                            + " WHERE job_name = '"
                                            + SnapshotSweep.JOB_NAME
                                            + "' AND target_table = 'warehouse.dim_customer'"
                                            + " AND rows_deleted = "
                                            + deletedMeanwhile.size()))
                    .as("the sweep is a load of its own")
                    .isEqualTo(1);
            assertThat(
                            WarehouseChecks.count(
                                    w,
                                    "SELECT COALESCE(sum(rows_inserted + rows_updated), 0)"
                                            + " FROM audit.load_audit"
                                            + " WHERE target_table = 'warehouse.dim_customer'"
                                            + " AND job_id = '"
                                            + secondRun.toHexString()
                                            + "'"))
                    .as("the re-snapshot's own loads rewrote every live customer")
                    .isGreaterThanOrEqualTo(servedBefore - deletedMeanwhile.size());
            assertThat(
                            WarehouseChecks.count(
                                    w,
                                    "SELECT count(*) FROM staging.customer_changes"
                                            + " WHERE operation = 'r' AND snapshot_epoch = "
                                            + result.epoch()))
                    .as("the new snapshot staged its reads under its own epoch")
                    .isGreaterThanOrEqualTo(SakilaSource.SNAPSHOT_ROWS - deletedMeanwhile.size());
            assertThat(WarehouseChecks.stagingProblems(w)).isEmpty();
            assertThat(WarehouseChecks.auditProblems(w)).isEmpty();
        }
        assertThat(secondRun).isNotEqualTo(firstRun);
        assertThat(job.failure()).as("the new lifetime never failed").isEmpty();
    }

    /**
     * The command itself, as a user runs it: {@code ./pipeline resnapshot customer-dimension} in
     * its own JVM, configured through {@code PIPELINE_*} variables, after the job that ran before
     * was stopped and a customer deleted meanwhile. It reports when the new snapshot covers the
     * source and keeps streaming until stopped.
     */
    @Test
    @Order(10)
    void resnapshotCommandLoadsTheSourceAgainAndKeepsStreaming(@TempDir Path tmp) throws Exception {
        if (job.status() == JobStatus.RUNNING) {
            job.cancel();
        }
        changes.apply(Kind.DELETE_CUSTOMER);
        changes.apply(Kind.UPDATE_NAME);
        Map<String, String> environment = new java.util.HashMap<>();
        job.jobConfig().values().forEach((k, v) -> environment.put(PipelineConfig.envName(k), v));
        environment.put(
                PipelineConfig.envName("checkpoint.dir"),
                tmp.resolve("checkpoints").toUri().toString());
        try (CliProcess cli =
                CliProcess.start(
                        tmp.resolve("cli"),
                        null,
                        environment,
                        "resnapshot",
                        "customer-dimension",
                        "--web-port",
                        "0")) {
            try {
                String done =
                        cli.awaitLine(
                                line -> line.contains("customers of the source;"),
                                CustomerJobRun.TIMEOUT);
                assertThat(done)
                        .startsWith("resnapshot: snapshot epoch ")
                        .contains("covers all " + source.joinedCustomers().size() + " customers")
                        .contains("; 1 customers no longer in the source soft-deleted");
                changes.apply(Kind.UPDATE_EMAIL);
                awaitDimension(this::expectedFirst);
            } catch (Throwable e) {
                cli.saveOutput(tmp.resolve("resnapshot-cli.log"));
                LOG.error("resnapshot command output:\n{}", cli.allOutput());
                throw e;
            }
            assertThat(cli.terminate(Duration.ofSeconds(60))).as("stops on SIGTERM").isTrue();
        }
    }

    /** Waits until the dimension equals the expected join, deleted customers flagged. */
    protected void awaitDimension(Oracle expected) {
        await("dimension equals the source join after:\n" + changes.describe())
                .atMost(CustomerJobRun.TIMEOUT)
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(
                        () -> {
                            try (Connection w = job.openWarehouse()) {
                                assertThat(
                                                DimensionRows.differences(
                                                        expected.dimension(),
                                                        DimensionRows.read(w),
                                                        changes.deletedCustomers()))
                                        .as("dimension vs. source join")
                                        .isEmpty();
                            }
                        });
    }

    @FunctionalInterface
    interface Oracle {
        Map<Integer, DimensionRows.Values> dimension() throws Exception;
    }
}
