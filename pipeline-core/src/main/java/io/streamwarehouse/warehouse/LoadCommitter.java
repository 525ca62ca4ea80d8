package io.streamwarehouse.warehouse;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link Load} to the warehouse in one transaction together with its audit row. The audit
 * row's primary key (job run, table, checkpoint, subtask, and when the load started buffering, so a
 * repeated job id cannot mistake another load for this one) is the commit marker: if it already
 * exists the load was applied before (a restore replayed it) and nothing is written again. Lost
 * connections are retried with exponential backoff until {@code warehouse.retry-timeout}; then the
 * error is thrown and Flink fails over, keeping the load in checkpointed state.
 */
public final class LoadCommitter<T> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoadCommitter.class);

    private static final String CLAIM =
            "INSERT INTO audit.load_audit (job_name, job_id, target_table, checkpoint_id, subtask,"
                    + " started_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
    private static final String RECORD =
            "UPDATE audit.load_audit SET rows_inserted = ?, rows_updated = ?, rows_deleted = ?,"
                    + " rows_skipped = ?, rows_dead_lettered = ?, min_event_time = ?,"
                    + " max_event_time = ?, finished_at = clock_timestamp()"
                    + " WHERE job_id = ? AND target_table = ? AND checkpoint_id = ? AND subtask = ?"
                    + " AND started_at = ?";
    private static final String DEAD_LETTER =
            "INSERT INTO audit.dead_letters (job_name, job_id, target_table, checkpoint_id,"
                    + " subtask, load_started_at, row_index, sql_state, error, row_content,"
                    + " record_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";

    private final WarehouseConnection warehouse;
    private final TableWriter<T> writer;
    private final RetryPolicy<Object> retry;
    private Connection connection;
    private Statements statements;

    public LoadCommitter(WarehouseConnection warehouse, TableWriter<T> writer) {
        this(warehouse, writer, () -> {});
    }

    /**
     * @param onRetry called once per failed attempt that will be retried (a metric)
     */
    public LoadCommitter(WarehouseConnection warehouse, TableWriter<T> writer, Runnable onRetry) {
        this.warehouse = warehouse;
        this.writer = writer;
        this.retry =
                RetryPolicy.builder()
                        .handle(SQLException.class)
                        .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(15))
                        .withMaxDuration(warehouse.retryTimeout())
                        .withMaxRetries(-1)
                        .onRetry(
                                e -> {
                                    onRetry.run();
                                    LOG.warn(
                                            "warehouse write to {} failed (attempt {}), retrying: {}",
                                            writer.targetTable(),
                                            e.getAttemptCount(),
                                            e.getLastException().getMessage());
                                })
                        .build();
    }

    /**
     * Commits the load unless it was committed before.
     *
     * @return the counts written, or an empty map if the load had been committed already
     */
    public Map<RowOutcome, Long> commit(Load<T> load) {
        if (load.rows.isEmpty()) {
            return new EnumMap<>(RowOutcome.class);
        }
        return Failsafe.with(retry).get(() -> attempt(load));
    }

    private Map<RowOutcome, Long> attempt(Load<T> load) throws SQLException {
        try {
            Statements statements = statements();
            statements.startLoad(load);
            Connection conn = statements.connection();
            PreparedStatement claim = statements.get(CLAIM);
            claim.setString(1, load.jobName);
            claim.setString(2, load.jobId);
            claim.setString(3, writer.targetTable());
            claim.setLong(4, load.checkpointId);
            claim.setInt(5, load.subtask);
            claim.setTimestamp(6, Timestamp.from(load.startedAt()));
            if (claim.executeUpdate() == 0) {
                conn.rollback();
                LOG.info("{} to {} was committed before; skipped", load, writer.targetTable());
                return new EnumMap<>(RowOutcome.class);
            }
            Map<RowOutcome, Long> counts = writeOrIsolatePoison(statements, load);
            Instant min = null;
            Instant max = null;
            for (T row : load.rows) {
                Instant time = writer.eventTime(row);
                if (time != null) {
                    min = min == null || time.isBefore(min) ? time : min;
                    max = max == null || time.isAfter(max) ? time : max;
                }
            }
            PreparedStatement record = statements.get(RECORD);
            record.setLong(1, counts.getOrDefault(RowOutcome.INSERTED, 0L));
            record.setLong(2, counts.getOrDefault(RowOutcome.UPDATED, 0L));
            record.setLong(3, counts.getOrDefault(RowOutcome.DELETED, 0L));
            record.setLong(4, counts.getOrDefault(RowOutcome.SKIPPED, 0L));
            record.setLong(5, counts.getOrDefault(RowOutcome.DEAD_LETTERED, 0L));
            record.setTimestamp(6, min == null ? null : Timestamp.from(min));
            record.setTimestamp(7, max == null ? null : Timestamp.from(max));
            record.setString(8, load.jobId);
            record.setString(9, writer.targetTable());
            record.setLong(10, load.checkpointId);
            record.setInt(11, load.subtask);
            record.setTimestamp(12, Timestamp.from(load.startedAt()));
            record.executeUpdate();
            conn.commit();
            return counts;
        } catch (SQLException | RuntimeException e) {
            // the connection's state is unknown after a failure: start the next attempt afresh
            closeConnection();
            throw e;
        }
    }

    /**
     * The load as the writer writes it; if the warehouse refuses a row for its data, the load is
     * narrowed down by halves, each behind its own savepoint, until the refused rows stand alone;
     * they go to {@code audit.dead_letters}. One bad row in n costs about 2 log2(n) attempts, not
     * one savepoint per row. A refused row is retried by nothing: the same data would be refused
     * again, and the load behind it would never commit.
     */
    private Map<RowOutcome, Long> writeOrIsolatePoison(Statements statements, Load<T> load)
            throws SQLException {
        Map<RowOutcome, Long> counts = new EnumMap<>(RowOutcome.class);
        writeOrHalve(statements, load, 0, load.rows.size(), counts);
        return counts;
    }

    /** Rows {@code [from, to)} of the load, in order: whole if the warehouse takes them. */
    private void writeOrHalve(
            Statements statements, Load<T> load, int from, int to, Map<RowOutcome, Long> counts)
            throws SQLException {
        Connection conn = statements.connection();
        Savepoint before = conn.setSavepoint();
        try {
            writer.writeAll(statements, load.rows.subList(from, to))
                    .forEach((outcome, n) -> counts.merge(outcome, n, Long::sum));
            conn.releaseSavepoint(before);
            return;
        } catch (SQLException e) {
            if (!isDataError(e)) {
                throw e;
            }
            conn.rollback(before);
            if (to - from == 1) {
                deadLetter(statements, load, from, load.rows.get(from), e);
                counts.merge(RowOutcome.DEAD_LETTERED, 1L, Long::sum);
                return;
            }
        }
        int middle = (from + to) >>> 1;
        writeOrHalve(statements, load, from, middle, counts);
        writeOrHalve(statements, load, middle, to, counts);
    }

    /**
     * SQLSTATE class 22 (data exception: a NUL in a string, a number out of range, an invalid date)
     * or 23 (integrity constraint violation): the row itself is the problem, not the connection or
     * the moment, so retrying cannot help.
     */
    static boolean isDataError(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    private void deadLetter(Statements statements, Load<T> load, int index, T row, SQLException e)
            throws SQLException {
        LOG.warn(
                "{} row {} of {} refused by the warehouse ({}), kept in audit.dead_letters",
                writer.targetTable(),
                index,
                load,
                e.getSQLState());
        PreparedStatement insert = statements.get(DEAD_LETTER);
        insert.setString(1, load.jobName);
        insert.setString(2, load.jobId);
        insert.setString(3, writer.targetTable());
        insert.setLong(4, load.checkpointId);
        insert.setInt(5, load.subtask);
        insert.setTimestamp(6, Timestamp.from(load.startedAt()));
        insert.setInt(7, index);
        insert.setString(8, e.getSQLState());
        insert.setString(9, printable(e.getMessage()));
        insert.setString(10, printable(String.valueOf(row)));
        insert.setString(11, writer.recordKey(row));
        insert.executeUpdate();
    }

    /** PostgreSQL text cannot hold NUL, the very thing that often got the row refused. */
    private static String printable(String text) {
        return text == null ? "" : text.replace("\0", "\\u0000");
    }

    private Statements statements() throws SQLException {
        if (statements == null) {
            connection = warehouse.open();
            connection.setAutoCommit(false);
            statements = new Statements(connection);
        }
        return statements;
    }

    private void closeConnection() {
        if (statements != null) {
            statements.close();
            statements = null;
        }
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        closeConnection();
    }
}
