package io.streamwarehouse.local.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwarehouse.local.services.PostgresExtension;
import io.streamwarehouse.warehouse.CommitOnCheckpoint;
import io.streamwarehouse.warehouse.Load;
import io.streamwarehouse.warehouse.LoadCommitter;
import io.streamwarehouse.warehouse.Migrations;
import io.streamwarehouse.warehouse.RowOutcome;
import io.streamwarehouse.warehouse.Statements;
import io.streamwarehouse.warehouse.UpsertWriter;
import io.streamwarehouse.warehouse.WarehouseConnection;
import io.streamwarehouse.warehouse.WarehouseSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warehouse writer against a real PostgreSQL: rows appear only when their checkpoint completes,
 * a restore commits what its checkpoint held exactly once, and the audit row is the commit marker.
 */
class WarehouseWriterITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    private WarehouseConnection warehouse;

    @BeforeEach
    void freshWarehouse() throws Exception {
        String database = POSTGRES.newDatabase("writer");
        warehouse =
                new WarehouseConnection(
                        POSTGRES.service().jdbcUrl(database),
                        POSTGRES.service().username(),
                        POSTGRES.service().password(),
                        Duration.ofSeconds(10));
        Migrations.apply(warehouse);
        execute(
                "CREATE TABLE warehouse.kv (k INTEGER PRIMARY KEY, v TEXT NOT NULL,"
                        + " version BIGINT NOT NULL)");
    }

    @Test
    void migrationsRunTwiceTheSecondTimeAsANoOp() throws Exception {
        String database = POSTGRES.newDatabase("migrate");
        WarehouseConnection fresh =
                new WarehouseConnection(
                        POSTGRES.service().jdbcUrl(database),
                        POSTGRES.service().username(),
                        POSTGRES.service().password(),
                        Duration.ofSeconds(10));

        MigrateResult first = Migrations.apply(fresh);
        MigrateResult second = Migrations.apply(fresh);

        assertThat(first.migrationsExecuted).isGreaterThanOrEqualTo(3);
        assertThat(second.migrationsExecuted).isZero();
        try (Connection c = fresh.open();
                ResultSet rs =
                        c.createStatement()
                                .executeQuery(
                                        "SELECT count(*) FROM information_schema.tables WHERE"
                                                + " table_schema IN ('staging', 'warehouse', 'audit')"
                                                + " AND table_name IN ('customer_changes',"
                                                + " 'dim_customer', 'turnstile_window',"
                                                + " 'station_window', 'turnstile_rejects',"
                                                + " 'load_audit')")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(6);
        }
    }

    @Test
    void rowsBecomeVisibleOnlyWhenTheirCheckpointCompletes() throws Exception {
        try (var harness = harness()) {
            harness.open();
            harness.processElement(Tuple3.of(1, "a", 1L), 0);
            harness.processElement(Tuple3.of(2, "b", 1L), 0);
            harness.snapshot(1, 0);

            assertThat(count("warehouse.kv")).isZero();

            harness.notifyOfCompletedCheckpoint(1);

            assertThat(count("warehouse.kv")).isEqualTo(2);
            assertThat(auditSum("rows_inserted")).isEqualTo(2);
        }
    }

    @Test
    void restoredLoadIsCommittedOnceEvenWhenRestoredTwice() throws Exception {
        OperatorSubtaskState afterSecondCheckpoint;
        try (var harness = harness()) {
            harness.open();
            harness.processElement(Tuple3.of(1, "a", 1L), 0);
            harness.snapshot(1, 0);
            harness.notifyOfCompletedCheckpoint(1);
            harness.processElement(Tuple3.of(2, "b", 1L), 0);
            harness.processElement(Tuple3.of(1, "a2", 2L), 0);
            afterSecondCheckpoint = harness.snapshot(2, 0);
            // the task dies here: checkpoint 2 completed, but its notice never arrived
        }
        assertThat(count("warehouse.kv")).isEqualTo(1);

        try (var restored = harness()) {
            restored.initializeState(afterSecondCheckpoint);
            restored.open();
        }
        assertThat(count("warehouse.kv")).isEqualTo(2);
        assertThat(value(1)).isEqualTo("a2");

        // a second failover restores the same checkpoint again: its audit row stops a re-apply
        try (var again = harness()) {
            again.initializeState(afterSecondCheckpoint);
            again.open();
        }
        assertThat(count("audit.load_audit")).isEqualTo(2);
        assertThat(auditSum("rows_inserted")).isEqualTo(2);
        assertThat(auditSum("rows_updated")).isEqualTo(1);
    }

    /**
     * A job on file checkpoint storage: rows waiting for their checkpoint are written into the
     * storage's task-owned streams as they arrive (not kept on the heap), every load commits once,
     * and each committed load's stream is deleted, so nothing is left behind.
     */
    @Test
    void waitingRowsLieInCheckpointStorageUntilCommitted(@TempDir Path checkpoints)
            throws Exception {
        int rows = 50_000;
        Configuration conf = new Configuration();
        conf.setString("execution.checkpointing.interval", "200 ms");
        conf.setString("execution.checkpointing.dir", checkpoints.toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        DataStream<Tuple3<Integer, String, Long>> stream =
                env.fromSequence(1, rows)
                        .map(i -> Tuple3.of(i.intValue(), "value of row " + i, 1L))
                        .returns(Types.TUPLE(Types.INT, Types.STRING, Types.LONG));
        WarehouseSink.writeTo(stream, new KvWriter(), warehouse, "kv", "kv");
        env.execute("waiting rows");

        assertThat(count("warehouse.kv")).isEqualTo(rows);
        assertThat(auditSum("rows_inserted")).isEqualTo(rows);
        assertThat(taskOwnedDirectories(checkpoints))
                .as("the job's task-owned storage")
                .isNotEmpty();
        assertThat(taskOwnedFiles(checkpoints)).as("streams of committed loads").isEmpty();
    }

    /** Each job's {@code taskowned} directory, where the writer's streams go. */
    private static List<Path> taskOwnedDirectories(Path checkpoints) throws IOException {
        try (Stream<Path> jobs = Files.list(checkpoints)) {
            return jobs.map(job -> job.resolve("taskowned")).filter(Files::isDirectory).toList();
        }
    }

    /**
     * The files in those directories. Only they are listed: Flink may still be deleting subsumed
     * {@code chk-N} directories next to them.
     */
    private static List<Path> taskOwnedFiles(Path checkpoints) throws IOException {
        List<Path> files = new java.util.ArrayList<>();
        for (Path owned : taskOwnedDirectories(checkpoints)) {
            try (Stream<Path> streams = Files.list(owned)) {
                streams.filter(Files::isRegularFile).forEach(files::add);
            }
        }
        return files;
    }

    @Test
    void olderVersionIsCountedAsSkippedAndDoesNotOverwrite() throws Exception {
        try (var harness = harness()) {
            harness.open();
            harness.processElement(Tuple3.of(7, "new", 5L), 0);
            harness.snapshot(1, 0);
            harness.notifyOfCompletedCheckpoint(1);
            harness.processElement(Tuple3.of(7, "old", 3L), 0);
            harness.snapshot(2, 0);
            harness.notifyOfCompletedCheckpoint(2);
        }
        assertThat(value(7)).isEqualTo("new");
        assertThat(auditSum("rows_skipped")).isEqualTo(1);
    }

    /**
     * The audit's inserts add up to the rows the table holds: a soft delete of a row the table
     * never had inserts it (a customer created and deleted before the dimension saw it, or whose
     * insert an earlier lifetime wrote to another table), and only a delete of a held row is one.
     */
    @Test
    void aSoftDeleteCountsAsADeleteOnlyWhenTheTableHeldTheRow() throws Exception {
        try (var harness = harness(new SoftDeletingKvWriter())) {
            harness.open();
            harness.processElement(Tuple3.of(1, SoftDeletingKvWriter.DELETED, 1L), 0);
            harness.processElement(Tuple3.of(2, "alive", 1L), 0);
            harness.snapshot(1, 0);
            harness.notifyOfCompletedCheckpoint(1);
            harness.processElement(Tuple3.of(2, SoftDeletingKvWriter.DELETED, 2L), 0);
            harness.snapshot(2, 0);
            harness.notifyOfCompletedCheckpoint(2);
        }
        assertThat(count("warehouse.kv")).isEqualTo(2);
        assertThat(auditSum("rows_inserted")).isEqualTo(2);
        assertThat(auditSum("rows_deleted")).isEqualTo(1);
        assertThat(auditSum("rows_updated")).isZero();
    }

    @Test
    void checkpointWithNoRowsWritesNoAuditRow() throws Exception {
        try (var harness = harness()) {
            harness.open();
            harness.snapshot(1, 0);
            harness.notifyOfCompletedCheckpoint(1);
        }
        assertThat(count("audit.load_audit")).isZero();
    }

    /**
     * A load is copied and applied in one statement per round: each row counted as what it did. A
     * key held twice is applied in order either way: in rounds by the writer's conflict key, or,
     * for a writer that declares none, row by row once PostgreSQL refuses the statement (21000).
     */
    @Test
    void copiedLoadsCountWhatEachRowDidAndARepeatedKeyIsAppliedInOrder() throws Exception {
        for (KvWriter writer : List.of(new KvWriter(), new KeyedKvWriter())) {
            String which = writer.getClass().getSimpleName();
            execute("TRUNCATE warehouse.kv, audit.load_audit");
            try (var harness = harness(writer)) {
                harness.open();
                for (int k = 0; k < 2500; k++) {
                    harness.processElement(Tuple3.of(k, "v" + k, 2L), 0);
                }
                harness.snapshot(1, 0);
                harness.notifyOfCompletedCheckpoint(1);
                assertThat(count("warehouse.kv")).as(which).isEqualTo(2500);
                assertThat(auditSum("rows_inserted")).as(which).isEqualTo(2500);

                // older (skipped), newer (updated), new (inserted), key 7 three times and
                // key 8 twice, interleaved
                harness.processElement(Tuple3.of(1, "old", 1L), 0);
                harness.processElement(Tuple3.of(7, "first", 3L), 0);
                harness.processElement(Tuple3.of(2, "new", 3L), 0);
                harness.processElement(Tuple3.of(8, "a", 3L), 0);
                harness.processElement(Tuple3.of(7, "second", 4L), 0);
                harness.processElement(Tuple3.of(5000, "x", 1L), 0);
                harness.processElement(Tuple3.of(8, "b", 3L), 0);
                harness.processElement(Tuple3.of(7, "third", 5L), 0);
                harness.snapshot(2, 0);
                harness.notifyOfCompletedCheckpoint(2);
            }
            assertThat(count("warehouse.kv")).as(which).isEqualTo(2501);
            assertThat(value(1)).as(which).isEqualTo("v1");
            assertThat(value(2)).as(which).isEqualTo("new");
            assertThat(value(7)).as(which).isEqualTo("third");
            assertThat(value(8)).as(which).isEqualTo("b");
            assertThat(auditSum("rows_inserted")).as(which).isEqualTo(2501);
            assertThat(auditSum("rows_updated")).as(which).isEqualTo(6);
            assertThat(auditSum("rows_skipped")).as(which).isEqualTo(1);
        }
    }

    /** Rounds keep a key's soft delete and what follows it apart, and count each as it was. */
    @Test
    void aKeyCreatedDeletedAndRevivedInOneLoadEndsAsItsLastChange() throws Exception {
        try (var harness = harness(new KeyedSoftDeletingKvWriter())) {
            harness.open();
            harness.processElement(Tuple3.of(1, "a", 1L), 0);
            harness.processElement(Tuple3.of(2, "b", 1L), 0);
            harness.processElement(Tuple3.of(1, SoftDeletingKvWriter.DELETED, 2L), 0);
            harness.processElement(Tuple3.of(2, SoftDeletingKvWriter.DELETED, 2L), 0);
            harness.processElement(Tuple3.of(1, "again", 3L), 0);
            harness.snapshot(1, 0);
            harness.notifyOfCompletedCheckpoint(1);
        }
        assertThat(value(1)).isEqualTo("again");
        assertThat(value(2)).isEqualTo(SoftDeletingKvWriter.DELETED);
        assertThat(auditSum("rows_inserted")).isEqualTo(2);
        assertThat(auditSum("rows_deleted")).isEqualTo(2);
        assertThat(auditSum("rows_updated")).isEqualTo(1);
    }

    /**
     * One bad row in 20,000 is found by halving the load: a few dozen attempts, not one savepoint
     * per row; the bad row is dead-lettered with its own position and the rest commits.
     */
    @Test
    void aBadRowInALargeLoadIsFoundByHalvingNotRowByRow() throws Exception {
        CountingKvWriter writer = new CountingKvWriter();
        List<Tuple3<Integer, String, Long>> rows = new java.util.ArrayList<>();
        for (int k = 0; k < 20_000; k++) {
            rows.add(Tuple3.of(k, k == 12_345 ? "nul\u0000" : "v" + k, 1L));
        }
        try (LoadCommitter<Tuple3<Integer, String, Long>> committer =
                new LoadCommitter<>(warehouse, writer)) {
            assertThat(committer.commit(new Load<>("kv", "job", 1L, 0, 1_000L, rows)))
                    .containsEntry(RowOutcome.INSERTED, 19_999L)
                    .containsEntry(RowOutcome.DEAD_LETTERED, 1L);
        }
        assertThat(count("warehouse.kv")).isEqualTo(19_999);
        assertThat(strings("SELECT row_index || ' ' || sql_state FROM audit.dead_letters"))
                .containsExactly("12345 22021");
        assertThat(CountingKvWriter.attempts).isBetween(2, 2 * 15 + 1);
    }

    /**
     * Rows the warehouse refuses for their data (a NUL in a string: SQLSTATE 22021; a version the
     * table refuses: 23514) go to audit.dead_letters with the error and the row; the rest of the
     * load commits at once, with either writer, and a restored load adds nothing twice.
     */
    @Test
    void refusedRowsAreDeadLetteredAndTheRestOfTheLoadCommits() throws Exception {
        execute("ALTER TABLE warehouse.kv ADD CONSTRAINT small_version CHECK (version < 1000)");
        for (UpsertWriter<Tuple3<Integer, String, Long>> writer :
                List.of(new KvWriter(), new KeyedKvWriter(), new OneRowAtATimeKvWriter())) {
            execute("TRUNCATE warehouse.kv, audit.load_audit, audit.dead_letters");
            OperatorSubtaskState afterCheckpoint;
            try (var harness = harness(writer)) {
                harness.open();
                harness.processElement(Tuple3.of(1, "a", 1L), 0);
                harness.processElement(Tuple3.of(2, "nul\u0000inside", 1L), 0);
                harness.processElement(Tuple3.of(3, "c", 1L), 0);
                harness.processElement(Tuple3.of(4, "d", 5000L), 0);
                harness.processElement(Tuple3.of(5, "e", 1L), 0);
                afterCheckpoint = harness.snapshot(1, 0);
                harness.notifyOfCompletedCheckpoint(1);
            }
            try (var restored = harness(writer)) {
                restored.initializeState(afterCheckpoint);
                restored.open();
            }

            String which = writer.getClass().getSimpleName();
            assertThat(count("warehouse.kv")).as(which).isEqualTo(3);
            assertThat(value(3)).isEqualTo("c");
            assertThat(auditSum("rows_inserted")).as(which).isEqualTo(3);
            assertThat(auditSum("rows_dead_lettered")).as(which).isEqualTo(2);
            assertThat(
                            strings(
                                    "SELECT row_index || ' ' || sql_state || ' ' || row_content"
                                            + " FROM audit.dead_letters ORDER BY row_index"))
                    .as(which)
                    .containsExactly("1 22021 (2,nul\\u0000inside,1)", "3 23514 (4,d,5000)");
        }
    }

    /**
     * A job id can repeat (application mode with HA and a fixed job id, restored from an older
     * savepoint), and with it the checkpoint numbers: a new load with the same job id, checkpoint
     * and subtask as a committed one is still written, while the committed load restored again is
     * still skipped.
     */
    @Test
    void aRepeatedJobIdAndCheckpointDoNotHideANewLoad() throws Exception {
        try (LoadCommitter<Tuple3<Integer, String, Long>> committer =
                new LoadCommitter<>(warehouse, new KvWriter())) {
            Load<Tuple3<Integer, String, Long>> first =
                    new Load<>("kv", "fixed-job-id", 7L, 0, 1_000L, List.of(Tuple3.of(1, "a", 1L)));
            Load<Tuple3<Integer, String, Long>> afterRestoringAnOlderSavepoint =
                    new Load<>("kv", "fixed-job-id", 7L, 0, 9_000L, List.of(Tuple3.of(2, "b", 1L)));

            assertThat(committer.commit(first)).containsEntry(RowOutcome.INSERTED, 1L);
            assertThat(committer.commit(afterRestoringAnOlderSavepoint))
                    .containsEntry(RowOutcome.INSERTED, 1L);
            assertThat(committer.commit(first)).as("the same load again").isEmpty();
        }
        assertThat(count("warehouse.kv")).isEqualTo(2);
        assertThat(count("audit.load_audit")).isEqualTo(2);
    }

    private List<String> strings(String sql) throws SQLException {
        List<String> values = new java.util.ArrayList<>();
        try (Connection c = warehouse.open();
                ResultSet rs = c.createStatement().executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    private OneInputStreamOperatorTestHarness<Tuple3<Integer, String, Long>, Void> harness()
            throws Exception {
        return harness(new KvWriter());
    }

    private OneInputStreamOperatorTestHarness<Tuple3<Integer, String, Long>, Void> harness(
            UpsertWriter<Tuple3<Integer, String, Long>> writer) throws Exception {
        TypeInformation<Tuple3<Integer, String, Long>> type =
                Types.TUPLE(Types.INT, Types.STRING, Types.LONG);
        return new OneInputStreamOperatorTestHarness<>(
                new CommitOnCheckpoint<>(writer, warehouse, type));
    }

    /** The same upsert, a key's repeats applied in rounds. */
    static class KeyedKvWriter extends KvWriter {
        @Override
        protected Object conflictKey(Tuple3<Integer, String, Long> row) {
            return row.f0;
        }
    }

    /** The same upsert, every row its own statement, as a writer without the bulk path has it. */
    static final class OneRowAtATimeKvWriter extends KvWriter {
        @Override
        public Map<RowOutcome, Long> writeAll(
                Statements statements, List<Tuple3<Integer, String, Long>> rows)
                throws SQLException {
            Map<RowOutcome, Long> counts = new EnumMap<>(RowOutcome.class);
            for (Tuple3<Integer, String, Long> row : rows) {
                counts.merge(write(statements, row), 1L, Long::sum);
            }
            return counts;
        }
    }

    /** Counts the attempts a load takes (a static: the harness copies its writer). */
    static final class CountingKvWriter extends KvWriter {
        static int attempts;

        @Override
        public Map<RowOutcome, Long> writeAll(
                Statements statements, List<Tuple3<Integer, String, Long>> rows)
                throws SQLException {
            attempts++;
            return super.writeAll(statements, rows);
        }
    }

    static final class KeyedSoftDeletingKvWriter extends SoftDeletingKvWriter {
        @Override
        protected Object conflictKey(Tuple3<Integer, String, Long> row) {
            return row.f0;
        }
    }

    /** Soft deletes as the dimension writes them: a row marked deleted. */
    static class SoftDeletingKvWriter extends KvWriter {
        static final String DELETED = "deleted";

        @Override
        protected boolean isDelete(Tuple3<Integer, String, Long> row) {
            return DELETED.equals(row.f1);
        }
    }

    /** A versioned upsert like the dimension's: an older version never overwrites a newer one. */
    static class KvWriter extends UpsertWriter<Tuple3<Integer, String, Long>> {
        @Override
        public String targetTable() {
            return "warehouse.kv";
        }

        @Override
        protected String sql() {
            return "INSERT INTO warehouse.kv (k, v, version) VALUES (?, ?, ?)"
                    + " ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v, version = EXCLUDED.version"
                    + " WHERE warehouse.kv.version <= EXCLUDED.version RETURNING (xmax = 0)";
        }

        @Override
        protected void bind(PreparedStatement statement, Tuple3<Integer, String, Long> row)
                throws SQLException {
            statement.setInt(1, row.f0);
            statement.setString(2, row.f1);
            statement.setLong(3, row.f2);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = warehouse.open();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private long count(String table) throws SQLException {
        return queryLong("SELECT count(*) FROM " + table);
    }

    private long auditSum(String column) throws SQLException {
        return queryLong("SELECT coalesce(sum(" + column + "), 0) FROM audit.load_audit");
    }

    private String value(int key) throws SQLException {
        try (Connection c = warehouse.open();
                ResultSet rs =
                        c.createStatement()
                                .executeQuery("SELECT v FROM warehouse.kv WHERE k = " + key)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private long queryLong(String sql) throws SQLException {
        try (Connection c = warehouse.open();
                ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
