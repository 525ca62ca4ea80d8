package io.streamwarehouse.warehouse;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import org.apache.flink.types.Row;

/**
 * Per-turnstile window rows, upserted by window and grouping: a replay or a late update rewrites
 * the same row, and an identical rewrite counts as skipped.
 */
public final class TurnstileWindowWriter extends UpsertWriter<Row> {
    private static final long serialVersionUID = 1L;

    @Override
    public String targetTable() {
        return "warehouse.turnstile_window";
    }

    @Override
    protected String sql() {
        return """
                INSERT INTO warehouse.turnstile_window AS t (window_start, window_end, ca, unit,
                    scp, station, linename, division, reading_date, description, entries, exits,
                    readings)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT ON CONSTRAINT turnstile_window_pk DO UPDATE SET
                    entries = EXCLUDED.entries, exits = EXCLUDED.exits,
                    readings = EXCLUDED.readings, loaded_at = now()
                WHERE (t.entries, t.exits, t.readings)
                    IS DISTINCT FROM (EXCLUDED.entries, EXCLUDED.exits, EXCLUDED.readings)
                RETURNING (xmax = 0)
                """;
    }

    @Override
    protected void bind(PreparedStatement s, Row row) throws SQLException {
        s.setTimestamp(1, WindowRows.timestamp(row, "window_start"));
        s.setTimestamp(2, WindowRows.timestamp(row, "window_end"));
        s.setString(3, (String) row.getField("ca"));
        s.setString(4, (String) row.getField("unit"));
        s.setString(5, (String) row.getField("scp"));
        s.setString(6, (String) row.getField("station"));
        s.setString(7, (String) row.getField("linename"));
        s.setString(8, (String) row.getField("division"));
        s.setDate(9, WindowRows.date(row, "reading_date"));
        s.setString(10, (String) row.getField("description"));
        s.setLong(11, WindowRows.number(row, "entries"));
        s.setLong(12, WindowRows.number(row, "exits"));
        s.setLong(13, WindowRows.number(row, "readings"));
    }

    @Override
    public Instant eventTime(Row row) {
        return WindowRows.instant(row, "window_start");
    }
}
