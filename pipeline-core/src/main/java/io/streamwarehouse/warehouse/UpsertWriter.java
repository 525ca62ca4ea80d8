package io.streamwarehouse.warehouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * A {@link TableWriter} for one {@code INSERT ... ON CONFLICT ...} statement ending in {@code
 * RETURNING (xmax = 0)}. PostgreSQL returns no row when the conflict action did nothing (a
 * duplicate, or an update its {@code WHERE} guard refused), true for a fresh insert and false for
 * an update: that is how each load counts what it really changed.
 *
 * <p>A load of many rows is streamed with {@code COPY} into a temporary table and applied by the
 * same statement reading from it (see {@link StagedUpsert}): one round trip for the rows, one per
 * round for the upsert, instead of one per row.
 */
public abstract class UpsertWriter<T> implements TableWriter<T> {
    private static final long serialVersionUID = 1L;

    private transient Load<?> load;
    private transient StagedUpsert staged;

    /** The upsert; must end with {@code RETURNING (xmax = 0)}. */
    protected abstract String sql();

    protected abstract void bind(PreparedStatement statement, T row) throws SQLException;

    /** The load being written: its job run and checkpoint, for writers that record them. */
    protected Load<?> load() {
        return load;
    }

    /**
     * Whether this row is a soft delete: an update it applies counts as a delete. A soft-deleted
     * row the table did not hold yet counts as an insert: the table gained a row, and the audit's
     * inserts must add up to the rows the table holds.
     */
    protected boolean isDelete(T row) {
        return false;
    }

    /**
     * The row's conflict key, for writers whose loads may hold a key twice with {@code DO UPDATE}:
     * PostgreSQL refuses a statement that would update one row twice, so a key's n-th occurrence is
     * applied in the n-th round, in the load's order, as row by row would. Null where a load holds
     * each key once, or where a repeat is harmless ({@code DO NOTHING}); should a load hold a key
     * twice after all (error 21000), it is written row by row.
     */
    protected Object conflictKey(T row) {
        return null;
    }

    @Override
    public Map<RowOutcome, Long> writeAll(Statements statements, List<T> rows) throws SQLException {
        if (rows.size() < 2) {
            return TableWriter.super.writeAll(statements, rows);
        }
        Connection connection = statements.connection();
        Savepoint before = connection.setSavepoint();
        try {
            Map<RowOutcome, Long> counts = copyAndApply(statements, rows);
            connection.releaseSavepoint(before);
            return counts;
        } catch (SQLException e) {
            if (!"21000".equals(e.getSQLState())) {
                throw e;
            }
            connection.rollback(before);
            return TableWriter.super.writeAll(statements, rows);
        }
    }

    /**
     * Rounds: a key's n-th occurrence goes in round 2n, or 2n + 1 if it is a soft delete, so that
     * every update a delete round makes is a delete and a key's changes still apply in order.
     */
    private Map<RowOutcome, Long> copyAndApply(Statements statements, List<T> rows)
            throws SQLException {
        StagedUpsert upsert = staged();
        // every time, not once per connection: a rollback to a savepoint may have undone it
        statements.get(upsert.createStage()).execute();
        if (statements.stagedBefore(upsert)) {
            statements.get(upsert.emptyStage()).execute();
        }
        load = statements.load();
        CopyIn copy =
                statements
                        .connection()
                        .unwrap(PGConnection.class)
                        .getCopyAPI()
                        .copyIn(upsert.copy());
        long[] perRound = new long[4];
        Map<Object, Integer> seen = new HashMap<>();
        try {
            CopyRows out = new CopyRows(copy, upsert.parameters());
            for (T row : rows) {
                Object key = conflictKey(row);
                int occurrence = key == null ? 0 : seen.merge(key, 1, Integer::sum) - 1;
                int round = 2 * occurrence + (isDelete(row) ? 1 : 0);
                if (round >= perRound.length) {
                    perRound = Arrays.copyOf(perRound, Math.max(round + 1, 2 * round));
                }
                perRound[round]++;
                bind(out.statement(), row);
                out.endRow(round);
            }
            out.finish();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
        Map<RowOutcome, Long> counts = new EnumMap<>(RowOutcome.class);
        PreparedStatement apply = statements.get(upsert.applyRound());
        for (int round = 0; round < perRound.length; round++) {
            if (perRound[round] == 0) {
                continue;
            }
            apply.setInt(1, round);
            try (ResultSet result = apply.executeQuery()) {
                result.next();
                long inserted = result.getLong(1);
                long updated = result.getLong(2);
                counts.merge(RowOutcome.INSERTED, inserted, Long::sum);
                counts.merge(
                        round % 2 == 1 ? RowOutcome.DELETED : RowOutcome.UPDATED,
                        updated,
                        Long::sum);
                counts.merge(RowOutcome.SKIPPED, perRound[round] - inserted - updated, Long::sum);
            }
        }
        counts.values().removeIf(n -> n == 0);
        return counts;
    }

    /** The writer's SQL, parsed and checked once rather than for every load. */
    private StagedUpsert staged() {
        if (staged == null) {
            staged = StagedUpsert.of(sql());
        }
        return staged;
    }

    @Override
    public RowOutcome write(Statements statements, T row) throws SQLException {
        staged();
        PreparedStatement statement = statements.get(sql());
        load = statements.load();
        bind(statement, row);
        try (ResultSet result = statement.executeQuery()) {
            if (!result.next()) {
                return RowOutcome.SKIPPED;
            }
            if (result.getBoolean(1)) {
                return RowOutcome.INSERTED;
            }
            return isDelete(row) ? RowOutcome.DELETED : RowOutcome.UPDATED;
        }
    }
}
