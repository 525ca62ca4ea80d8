package io.streamwarehouse.local.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamwarehouse.customer.source.SourceDialect;
import io.streamwarehouse.local.customer.DimensionRows.DimRow;
import io.streamwarehouse.local.services.PostgresExtension;
import io.streamwarehouse.samples.customer.ChangeSimulator.Kind;
import io.streamwarehouse.samples.customer.ChangeSimulator.SimulatedChange;
import io.streamwarehouse.samples.customer.SakilaSampleData;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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

/**
 * What the customer-dimension job must do for any source: one pipeline per class, followed through
 * the initial snapshot, a stream of changes, and a cancel and restore from the retained checkpoint
 * in the middle of the stream. The methods run in order and share the pipeline, because starting
 * the job and snapshotting the sample is the expensive part.
 *
 * <p>The oracle is the source database itself: after every phase {@code warehouse.dim_customer}
 * must equal customer LEFT JOIN address LEFT JOIN city LEFT JOIN country, computed by the source
 * with plain SQL, row for row and attribute for attribute.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
abstract class CustomerDimensionContract {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    /**
     * The per-row state's retention, short so that tests meet rows whose state has expired: their
     * changes must then retract old values from their own before-images.
     */
    protected static final Duration STATE_TTL = Duration.ofSeconds(2);

    protected SakilaSource source;
    protected CustomerJobRun job;
    protected SourceChanges changes;

    /** The dimension right after the snapshot, before any change. */
    protected Map<Integer, DimRow> afterSnapshot;

    /** A fresh source database with the sample loaded and a CDC account. */
    protected abstract SakilaSource createSource() throws Exception;

    /**
     * The dimension the job must produce: the source join, with whatever the job's settings change
     * on the way (the e-mail policy).
     */
    protected Map<Integer, DimensionRows.Values> expectedDimension() throws Exception {
        return source.joinedCustomers();
    }

    /** Settings the subclass needs on top of source, warehouse and checkpoints. */
    protected Map<String, String> extraSettings() {
        return Map.of();
    }

    @BeforeAll
    void startJob(@TempDir Path checkpoints) throws Exception {
        source = createSource();
        String warehouse = POSTGRES.newDatabase("dim");
        job =
                CustomerJobRun.prepare(
                        CustomerJobRun.merge(
                                List.of(
                                        source.config(),
                                        CustomerJobRun.warehouseSettings(
                                                POSTGRES.jdbcUrl(warehouse),
                                                POSTGRES.service().username(),
                                                POSTGRES.service().password()),
                                        Map.of("customer.state-ttl", STATE_TTL.toSeconds() + " s"),
                                        extraSettings())),
                        checkpoints);
        job.start();
        changes = SourceChanges.on(source, 11);
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

    /** Cleans up what the job leaves in the source once it no longer runs. */
    protected void afterJob() {}

    /**
     * The initial snapshot alone: every sample customer joined with its address, city and country,
     * each snapshot read staged once, loads and audit rows in agreement.
     */
    @Test
    @Order(1)
    void snapshotFillsTheDimensionWithTheSourceJoin() throws Exception {
        awaitDimensionEqualsSourceJoin();

        try (Connection w = job.openWarehouse()) {
            afterSnapshot = DimensionRows.read(w);
            assertThat(afterSnapshot).hasSize(SakilaSampleData.CUSTOMERS);
            // Snapshot reads carry version 0, so that any streamed change wins over them.
            assertThat(afterSnapshot.values()).allMatch(r -> r.sourceVersion() == 0L);
            assertThat(afterSnapshot.values()).allMatch(r -> r.loadedAt() != null);
            assertThat(WarehouseChecks.stagedChanges(w)).isEmpty();
        }
    }

    /**
     * Inserts, updates, moves, deletes, an address shared by several customers, city and country
     * renames, a multi-row transaction and a no-op, read from the change log: the dimension equals
     * the join again, deleted customers stay flagged, the no-op wrote nothing, and staging holds
     * every row change exactly once.
     */
    @Test
    @Order(2)
    void changesKeepTheDimensionEqualToTheSourceJoin() throws Exception {
        assertThat(afterSnapshot).as("the snapshot phase ran first").isNotNull();

        Instant started = Instant.now();
        changes.apply(Kind.INSERT_CUSTOMER);
        changes.apply(Kind.INSERT_CUSTOMER);
        changes.apply(Kind.UPDATE_NAME);
        changes.apply(Kind.UPDATE_EMAIL);
        changes.apply(Kind.MOVE_ADDRESS);
        changes.applyAny(15);
        List<Integer> live = changes.liveCustomers();
        changes.applyTransaction(List.of(live.get(3), live.get(4), live.get(5)));
        // After the mix, so no later move or second address change hides their effect.
        SimulatedChange shared = changes.apply(Kind.SHARED_ADDRESS_CHANGE);
        SimulatedChange rename = changes.apply(Kind.CITY_RENAME);
        // The proofs below need an address change that really is shared, and a renamed city
        // that customers live in.
        assertThat(shared.kind()).isEqualTo(Kind.SHARED_ADDRESS_CHANGE);
        assertThat(shared.affectedCustomers()).hasSizeGreaterThan(1);
        assertThat(rename.affectedCustomers()).isNotEmpty();
        String country = changes.renameCountryOf(rename.affectedCustomers().get(0));
        changes.apply(Kind.DELETE_CUSTOMER);
        changes.apply(Kind.DELETE_CUSTOMER);

        // The no-op goes to a sample customer that nothing else touched, so its dimension row
        // must still be exactly the one the snapshot wrote. A real change follows it: once that
        // is in the dimension, every load that could have carried an upsert for the no-op was
        // committed (loads commit in checkpoint order).
        SimulatedChange last = changes.plan(Kind.UPDATE_EMAIL);
        int untouched =
                changes.liveCustomers().stream()
                        .filter(id -> id <= SakilaSampleData.CUSTOMERS)
                        .filter(id -> !changes.touched(id))
                        .filter(id -> !last.affectedCustomers().contains(id))
                        .findFirst()
                        .orElseThrow();
        changes.touchLastUpdate(untouched);
        changes.apply(last);

        awaitDimensionEqualsSourceJoin();

        try (Connection w = job.openWarehouse()) {
            Map<Integer, DimRow> dimension = DimensionRows.read(w);

            DimRow noOp = dimension.get(untouched);
            assertThat(noOp.loadedAt())
                    .as("customer %d after a change of last_update only", untouched)
                    .isEqualTo(afterSnapshot.get(untouched).loadedAt());
            assertThat(noOp.sourceVersion()).isZero();
            assertThat(stagedNoOps(w, untouched))
                    .as("the no-op reached the job (staged once, only last_update differs)")
                    .isEqualTo(1);

            String street = (String) shared.statement().params().get(0);
            assertThat(shared.affectedCustomers())
                    .filteredOn(id -> !changes.deletedCustomers().contains(id))
                    .allSatisfy(
                            id ->
                                    assertThat(dimension.get(id).values().values())
                                            .as("customer %d at the changed shared address", id)
                                            .contains(street));
            String city = (String) rename.statement().params().get(0);
            assertThat(rename.affectedCustomers())
                    .filteredOn(id -> !changes.deletedCustomers().contains(id))
                    .allSatisfy(
                            id ->
                                    assertThat(dimension.get(id).values().values())
                                            .as("customer %d in the renamed city", id)
                                            .contains(city, country));

            assertThat(changes.deletedCustomers())
                    .hasSizeGreaterThanOrEqualTo(2)
                    .allSatisfy(
                            id -> {
                                DimRow row = dimension.get(id);
                                assertThat(row.deleted()).isTrue();
                                // deleted_at is the delete's commit time in the source
                                assertThat(row.deletedAt()).isAfter(started.minusSeconds(60));
                                assertThat(row.deletedAt()).isBefore(Instant.now().plusSeconds(60));
                            });
        }
    }

    /**
     * Cancel with changes in flight, change the source while no job runs, restore from the retained
     * checkpoint: nothing lost (all changes staged), nothing twice (no second snapshot, no change
     * or audit row duplicated), and the join operators' state found again by uid.
     */
    @Test
    @Order(3)
    void restoreFromRetainedCheckpointMidStream() throws Exception {
        JobID firstRun = job.jobId();
        changes.applyAny(8);
        awaitStaged();
        // These are still on their way through the job when it is cancelled: the restored job
        // must read them again from the log position (binlog or WAL) in its checkpoint.
        changes.applyAny(8);
        job.cancel();
        Path checkpoint = job.latestCheckpoint();
        changes.applyAny(5); // while no job runs

        JobID secondRun = job.restore(checkpoint);
        changes.applyAny(5);

        awaitDimensionEqualsSourceJoin();
        assertThat(secondRun).isNotEqualTo(firstRun);
        try (Connection w = job.openWarehouse()) {
            assertThat(stagingLoads(w, secondRun))
                    .as("the restored job staged what came after its checkpoint")
                    .isPositive();
        }
    }

    /**
     * The warehouse's PostgreSQL server stops in the middle of a change storm (connections cut) and
     * starts again on the same port and data. Where the source is another server, changes go on
     * while the warehouse is away and the writers retry; where the source lives on that server too,
     * its replication connection breaks as well and the job fails over until the server is back.
     * Either way the job recovers by itself: the dimension equals the source join and every change
     * is staged and audited exactly once.
     */
    @Test
    @Order(10)
    void warehouseOutageDuringAChangeStormLosesAndDuplicatesNothing() throws Exception {
        boolean sourceGoesToo = source.dialect == SourceDialect.POSTGRES;
        changes.applyAny(150);
        POSTGRES.beginOutage();
        try {
            if (!sourceGoesToo) {
                changes.applyAny(150);
            }
            // down until the job has met it twice: writers that gave up retrying, or a source
            // whose server went too, fail the job over, and its restart meets the outage again
            job.awaitFailovers(2);
        } finally {
            POSTGRES.endOutage();
        }
        if (sourceGoesToo) {
            changes.reconnect();
        }
        changes.applyAny(150);

        awaitDimensionEqualsSourceJoin();
    }

    /**
     * The source database server stops in the middle of a change stream (connections cut, the
     * binlog or replication connection with them) and starts again on its data and port. The job
     * resumes from its position: every change before, between and after is staged and audited once,
     * and the dimension equals the source join.
     */
    @Test
    @Order(11)
    void sourceDatabaseRestartMidStreamLosesAndDuplicatesNothing() throws Exception {
        changes.applyAny(100);
        stopSource();
        try {
            // down until the job has met it: MariaDB's binlog client waits to reconnect while
            // checkpoints go on; a PostgreSQL source (the warehouse's server too) fails the job
            // over
            job.awaitCheckpointsOrFailover(2);
        } finally {
            startSource();
        }
        changes.reconnect();
        changes.applyAny(100);

        awaitDimensionEqualsSourceJoin();
    }

    /**
     * Every row's per-row state has expired before a mix of moves, address and city changes,
     * renames, inserts and deletes, so each change retracts the old values from its own
     * before-image: a customer moving away from an address whose state is gone, a delete of a row
     * the job no longer remembers. The dimension still equals the source join: no phantom row at an
     * old address, no stale value.
     */
    @Test
    @Order(12)
    void changesAfterTheirRowsStateExpiredLeaveNoPhantomOrStaleRow() throws Exception {
        for (int round = 0; round < 3; round++) {
            awaitEveryRowsStateExpired();
            for (Kind kind :
                    List.of(
                            Kind.MOVE_ADDRESS,
                            Kind.SHARED_ADDRESS_CHANGE,
                            Kind.DELETE_CUSTOMER,
                            Kind.CITY_RENAME,
                            Kind.UPDATE_NAME,
                            Kind.INSERT_CUSTOMER)) {
                changes.apply(kind);
            }
        }

        awaitDimensionEqualsSourceJoin();
    }

    /** How far a change storm may run ahead of what the job has staged, in row changes. */
    private static final int STORM_LEAD = 200;

    /**
     * Unpaced, one source connection outruns the job tenfold, and the faults would then meet a
     * backlog rather than a job at work: the storm waits while it is more than {@link #STORM_LEAD}
     * row changes ahead of staging.
     */
    private void awaitStormWithinReach(Connection warehouse) {
        await("the job within " + STORM_LEAD + " changes of the storm")
                .atMost(CustomerJobRun.TIMEOUT)
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () ->
                                changes.rowChangeCount()
                                                - WarehouseChecks.stagedChanges(warehouse)
                                                        .values()
                                                        .stream()
                                                        .mapToLong(Long::longValue)
                                                        .sum()
                                        <= STORM_LEAD);
    }

    /**
     * A change storm of inserts, updates and deletes runs while the job's task manager is killed or
     * the job is cancelled and restored from its retained checkpoint, alternately, {@code
     * chaos.faults} times (10 in {@code verify}, more under the {@code chaos} profile) at random
     * moments. Afterwards the dimension equals the source join and every change is staged and
     * audited exactly once.
     */
    @Test
    @Order(13)
    void changeStormThroughKillsAndRestoresLosesAndDuplicatesNothing() throws Exception {
        int faults = Integer.getInteger("chaos.faults", 10);
        Random random = new Random(faults);
        AtomicBoolean calm = new AtomicBoolean();
        AtomicInteger stormed = new AtomicInteger();
        CompletableFuture<Void> storm =
                CompletableFuture.runAsync(
                        () -> {
                            try (Connection w = job.openWarehouse()) {
                                // some thousands in all
                                while (!calm.get() || stormed.get() < 1_000) {
                                    changes.applyAny(1);
                                    if (stormed.incrementAndGet() % 20 == 0) {
                                        awaitStormWithinReach(w);
                                    }
                                }
                            } catch (SQLException e) {
                                throw new IllegalStateException(e);
                            }
                        });
        int kills = 0;
        int restores = 0;
        try {
            for (int fault = 0; fault < faults; fault++) {
                // a random number of changes into the storm
                int target = stormed.get() + 20 + random.nextInt(150);
                await("change " + target + " of the storm")
                        .atMost(CustomerJobRun.TIMEOUT)
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> stormed.get() >= target || storm.isDone());
                if (fault % 2 == 0) {
                    job.killTaskManager();
                    kills++;
                } else {
                    job.cancel();
                    job.restore(job.latestCheckpoint());
                    restores++;
                }
                job.awaitNextCheckpoint();
            }
        } finally {
            calm.set(true);
        }
        storm.get();

        awaitDimensionEqualsSourceJoin();
        System.out.printf(
                "customer chaos (%s): %d changes during %d task manager kills and %d"
                        + " cancel-and-restores; dimension equal to the source join, every change"
                        + " staged once%n",
                source.dialect, stormed.get(), kills, restores);
    }

    /**
     * The dimension follows commit order, not the order in which changes were made: a customer's
     * move, made first and committed last, wins over a change of the address it left, made later
     * and committed first. (The join first meets the address change while the customer still lives
     * there, and that row carries the newer change.)
     */
    @Test
    @Order(14)
    void theLaterCommitWinsWhateverOrderTheChangesWereMadeIn() throws Exception {
        int customer = changes.liveCustomers().get(7);
        int moved = changes.moveWhileTheOldAddressChangesAndCommitsFirst(customer);

        awaitDimensionEqualsSourceJoin();
        try (Connection w = job.openWarehouse()) {
            assertThat(
                            WarehouseChecks.count(
                                    w,
                                    "SELECT address_id FROM warehouse.dim_customer"
                                            + " WHERE customer_id = "
                                            + customer))
                    .isEqualTo(moved);
        }
    }

    /**
     * The per-row state expires on processing-time timers, so what this waits for is time: twice
     * the retention, with the job running throughout and a checkpoint taken after it.
     */
    private void awaitEveryRowsStateExpired() throws Exception {
        long expired = System.nanoTime() + STATE_TTL.multipliedBy(2).toNanos();
        await("every row's state expired")
                .atMost(CustomerJobRun.TIMEOUT)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> job.status() == JobStatus.RUNNING && System.nanoTime() > expired);
        job.awaitNextCheckpoint();
    }

    /** Stops the source's database server as a crash would, keeping its data and port. */
    protected abstract void stopSource();

    /** Starts the server {@link #stopSource()} stopped again. */
    protected abstract void startSource();

    /**
     * Waits until the dimension equals the source join and staging holds exactly the applied
     * changes, then checks the staging and audit guarantees.
     */
    protected void awaitDimensionEqualsSourceJoin() throws Exception {
        await("dimension equals the source join after:\n" + changes.describe())
                .atMost(CustomerJobRun.TIMEOUT)
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(
                        () -> {
                            try (Connection w = job.openWarehouse()) {
                                assertThat(WarehouseChecks.stagedSnapshotReads(w))
                                        .as("snapshot reads staged")
                                        .isEqualTo(SakilaSource.SNAPSHOT_ROWS);
                                assertThat(WarehouseChecks.stagedChanges(w))
                                        .as("streamed changes staged, by table:operation")
                                        .isEqualTo(changes.rowChanges());
                                assertThat(
                                                DimensionRows.differences(
                                                        expectedDimension(),
                                                        DimensionRows.read(w),
                                                        changes.deletedCustomers()))
                                        .as("dimension vs. source join")
                                        .isEmpty();
                            }
                        });
        try (Connection w = job.openWarehouse()) {
            assertThat(WarehouseChecks.stagingProblems(w)).isEmpty();
            assertThat(WarehouseChecks.auditProblems(w)).isEmpty();
        }
    }

    /** Waits until every change applied so far is staged (so a checkpoint covered it). */
    private void awaitStaged() {
        await("changes staged")
                .atMost(CustomerJobRun.TIMEOUT)
                .pollInterval(Duration.ofMillis(300))
                .untilAsserted(
                        () -> {
                            try (Connection w = job.openWarehouse()) {
                                assertThat(WarehouseChecks.stagedChanges(w))
                                        .isEqualTo(changes.rowChanges());
                            }
                        });
    }

    private static long stagingLoads(Connection w, JobID run) throws Exception {
        return WarehouseChecks.count(
                w,
                "SELECT count(*) FROM audit.load_audit WHERE target_table = '"
                        + WarehouseChecks.STAGING
                        + "' AND job_id = '"
                        + run.toHexString()
                        + "'");
    }

    /** Staged updates of the customer whose images differ in last_update only. */
    private static long stagedNoOps(Connection w, int customerId) throws Exception {
        try (PreparedStatement ps =
                w.prepareStatement(
                        "SELECT count(*) FROM staging.customer_changes"
                                + " WHERE source_table = 'customer' AND record_key = ?"
                                + " AND operation = 'u'"
                                + " AND before_image - 'last_update' = after_image - 'last_update'"
                                + " AND before_image -> 'last_update'"
                                + " IS DISTINCT FROM after_image -> 'last_update'")) {
            ps.setString(1, String.valueOf(customerId));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
