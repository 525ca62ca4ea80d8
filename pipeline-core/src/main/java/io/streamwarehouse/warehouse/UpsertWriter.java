package io.streamwarehouse.warehouse;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A {@link TableWriter} for one {@code INSERT ... ON CONFLICT ...} statement ending in {@code
 * RETURNING (xmax = 0)}. PostgreSQL returns no row when the conflict action did nothing (a
 * duplicate, or an update its {@code WHERE} guard refused), true for a fresh insert and false for
 * an update: that is how each load counts what it really changed.
 */
public abstract class UpsertWriter<T> implements TableWriter<T> {
    private static final long serialVersionUID = 1L;

    private transient Load<?> load;

    /** The upsert; must end with {@code RETURNING (xmax = 0)}. */
    protected abstract String sql();

    protected abstract void bind(PreparedStatement statement, T row) throws SQLException;

    /** The load being written: its job run and checkpoint, for writers that record them. */
    protected Load<?> load() {
        return load;
    }

    /** Whether an applied write of this row is a soft delete. */
    protected boolean isDelete(T row) {
        return false;
    }

    @Override
    public RowOutcome write(Statements statements, T row) throws SQLException {
        String sql = sql();
        if (!sql.replaceAll("\\s+", " ").trim().endsWith("RETURNING (xmax = 0)")) {
            throw new IllegalStateException("upsert must end with RETURNING (xmax = 0): " + sql);
        }
        PreparedStatement statement = statements.get(sql);
        load = statements.load();
        bind(statement, row);
        try (ResultSet result = statement.executeQuery()) {
            if (!result.next()) {
                return RowOutcome.SKIPPED;
            }
            if (isDelete(row)) {
                return RowOutcome.DELETED;
            }
            return result.getBoolean(1) ? RowOutcome.INSERTED : RowOutcome.UPDATED;
        }
    }
}
