package io.streamwarehouse.warehouse;

import java.io.Serializable;
import java.sql.SQLException;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * How rows of one type are written to one warehouse table. Every write must be idempotent (an
 * upsert, or an insert keyed by a natural key with {@code ON CONFLICT DO NOTHING}): a load that is
 * retried after a lost connection applies the same statements again.
 */
public interface TableWriter<T> extends Serializable {

    /** Schema-qualified table name, as recorded in {@code audit.load_audit}. */
    String targetTable();

    /** Writes one row inside the load's transaction. */
    RowOutcome write(Statements statements, T row) throws SQLException;

    /**
     * Writes a load's rows inside its transaction, in order, and counts what each did. Writers that
     * can apply many rows per statement override this; the result must be what writing them one by
     * one would give.
     */
    default Map<RowOutcome, Long> writeAll(Statements statements, List<T> rows)
            throws SQLException {
        Map<RowOutcome, Long> counts = new EnumMap<>(RowOutcome.class);
        for (T row : rows) {
            counts.merge(write(statements, row), 1L, Long::sum);
        }
        return counts;
    }

    /**
     * The source record a row belongs to, as {@code table:key} (e.g. {@code customer:42}), kept
     * with its dead letter so that forgetting a customer finds its refused rows; null if the row is
     * no source record's.
     */
    default String recordKey(T row) {
        return null;
    }

    /** Event time of the row, for the audit row's event-time range; null if it has none. */
    default Instant eventTime(T row) {
        return null;
    }
}
