package io.streamwarehouse.warehouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link TableWriter} for one {@code INSERT ... ON CONFLICT ...} statement ending in {@code
 * RETURNING (xmax = 0)}. PostgreSQL returns no row when the conflict action did nothing (a
 * duplicate, or an update its {@code WHERE} guard refused), true for a fresh insert and false for
 * an update: that is how each load counts what it really changed.
 */
public abstract class UpsertWriter<T> implements TableWriter<T> {
    private static final long serialVersionUID = 1L;

    private transient Load<?> load;
    private transient String checkedSql;

    /** The upsert; must end with {@code RETURNING (xmax = 0)}. */
    protected abstract String sql();

    protected abstract void bind(PreparedStatement statement, T row) throws SQLException;

    /** The load being written: its job run and checkpoint, for writers that record them. */
    protected Load<?> load() {
        return load;
    }

    /**
     * Whether this row is a soft delete: an update it applies counts as a delete. A soft-deleted
     * row the table did not hold yet counts as an insert, as it would in a multi-row statement: the
     * table gained a row, and the audit's inserts must add up to the rows the table holds.
     */
    protected boolean isDelete(T row) {
        return false;
    }

    /**
     * Whether many rows may go in one statement. Only where a load never holds one key twice, or
     * where a repeated key is harmless ({@code DO NOTHING}): PostgreSQL refuses a statement whose
     * {@code DO UPDATE} would touch one row twice, and the order of a key's changes would be lost.
     * Not for writers with soft deletes: a multi-row statement cannot tell which row it updated.
     */
    protected boolean multiRow() {
        return false;
    }

    /** Rows per statement: the protocol allows 32,767 parameters a statement. */
    private int rowsPerStatement(int parameters) {
        return Math.max(1, Math.min(1000, 32_767 / parameters));
    }

    /**
     * Multi-row: the statement's {@code VALUES (?, ...)} repeated for up to a thousand rows, one
     * round trip each instead of one per row. A load that holds a key twice after all (PostgreSQL
     * error 21000) is rolled back to before the first statement and written row by row, which gives
     * the same rows and counts.
     */
    @Override
    public Map<RowOutcome, Long> writeAll(Statements statements, List<T> rows) throws SQLException {
        if (!multiRow() || rows.size() < 2) {
            return TableWriter.super.writeAll(statements, rows);
        }
        Connection connection = statements.connection();
        Savepoint before = connection.setSavepoint();
        try {
            Map<RowOutcome, Long> counts = new EnumMap<>(RowOutcome.class);
            MultiRowSql sql = MultiRowSql.of(checkedSql());
            int chunk = rowsPerStatement(sql.parameters());
            load = statements.load();
            for (int from = 0; from < rows.size(); from += chunk) {
                List<T> part = rows.subList(from, Math.min(rows.size(), from + chunk));
                PreparedStatement statement = statements.get(sql.forRows(part.size()));
                for (int i = 0; i < part.size(); i++) {
                    bind(MultiRowSql.shifted(statement, i * sql.parameters()), part.get(i));
                }
                long returned = 0;
                try (ResultSet result = statement.executeQuery()) {
                    while (result.next()) {
                        returned++;
                        counts.merge(
                                result.getBoolean(1) ? RowOutcome.INSERTED : RowOutcome.UPDATED,
                                1L,
                                Long::sum);
                    }
                }
                counts.merge(RowOutcome.SKIPPED, part.size() - returned, Long::sum);
            }
            connection.releaseSavepoint(before);
            counts.values().removeIf(n -> n == 0);
            return counts;
        } catch (SQLException e) {
            if (!"21000".equals(e.getSQLState())) {
                throw e;
            }
            connection.rollback(before);
            return TableWriter.super.writeAll(statements, rows);
        }
    }

    /** The writer's SQL, checked once rather than for every row it writes. */
    private String checkedSql() {
        if (checkedSql != null) {
            return checkedSql;
        }
        String sql = sql();
        if (!sql.replaceAll("\\s+", " ").trim().endsWith("RETURNING (xmax = 0)")) {
            throw new IllegalStateException("upsert must end with RETURNING (xmax = 0): " + sql);
        }
        checkedSql = sql;
        return sql;
    }

    @Override
    public RowOutcome write(Statements statements, T row) throws SQLException {
        PreparedStatement statement = statements.get(checkedSql());
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
