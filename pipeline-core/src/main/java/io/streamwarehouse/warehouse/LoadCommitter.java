package io.streamwarehouse.warehouse;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link Load} to the warehouse in one transaction together with its audit row. The audit
 * row's primary key (job run, table, checkpoint, subtask) is the commit marker: if it already
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
                    + " rows_skipped = ?, min_event_time = ?, max_event_time = ?,"
                    + " finished_at = clock_timestamp()"
                    + " WHERE job_id = ? AND target_table = ? AND checkpoint_id = ? AND subtask = ?";

    private final WarehouseConnection warehouse;
    private final TableWriter<T> writer;
    private final RetryPolicy<Object> retry;
    private Connection connection;
    private Statements statements;

    public LoadCommitter(WarehouseConnection warehouse, TableWriter<T> writer) {
        this.warehouse = warehouse;
        this.writer = writer;
        this.retry =
                RetryPolicy.builder()
                        .handle(SQLException.class)
                        .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(15))
                        .withMaxDuration(warehouse.retryTimeout())
                        .withMaxRetries(-1)
                        .onRetry(
                                e ->
                                        LOG.warn(
                                                "warehouse write to {} failed (attempt {}), retrying: {}",
                                                writer.targetTable(),
                                                e.getAttemptCount(),
                                                e.getLastException().getMessage()))
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
            Map<RowOutcome, Long> counts = writer.writeAll(statements, load.rows);
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
            record.setTimestamp(5, min == null ? null : Timestamp.from(min));
            record.setTimestamp(6, max == null ? null : Timestamp.from(max));
            record.setString(7, load.jobId);
            record.setString(8, writer.targetTable());
            record.setLong(9, load.checkpointId);
            record.setInt(10, load.subtask);
            record.executeUpdate();
            conn.commit();
            return counts;
        } catch (SQLException | RuntimeException e) {
            // the connection's state is unknown after a failure: start the next attempt afresh
            closeConnection();
            throw e;
        }
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
