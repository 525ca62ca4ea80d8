package io.streamwarehouse.warehouse;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import org.apache.flink.types.Row;

/** Station rollup rows, upserted by window, STATION and LINENAME. */
public final class StationWindowWriter extends UpsertWriter<Row> {
    private static final long serialVersionUID = 1L;

    @Override
    public String targetTable() {
        return "warehouse.station_window";
    }

    @Override
    protected String sql() {
        return """
                INSERT INTO warehouse.station_window AS t (window_start, window_end, station,
                    linename, entries, exits, readings, turnstiles)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT ON CONSTRAINT station_window_pk DO UPDATE SET
                    entries = EXCLUDED.entries, exits = EXCLUDED.exits,
                    readings = EXCLUDED.readings, turnstiles = EXCLUDED.turnstiles,
                    loaded_at = now()
                WHERE (t.entries, t.exits, t.readings, t.turnstiles) IS DISTINCT FROM
                    (EXCLUDED.entries, EXCLUDED.exits, EXCLUDED.readings, EXCLUDED.turnstiles)
                RETURNING (xmax = 0)
                """;
    }

    @Override
    protected void bind(PreparedStatement s, Row row) throws SQLException {
        s.setTimestamp(1, WindowRows.timestamp(row, "window_start"));
        s.setTimestamp(2, WindowRows.timestamp(row, "window_end"));
        s.setString(3, (String) row.getField("station"));
        s.setString(4, (String) row.getField("linename"));
        s.setLong(5, WindowRows.number(row, "entries"));
        s.setLong(6, WindowRows.number(row, "exits"));
        s.setLong(7, WindowRows.number(row, "readings"));
        s.setLong(8, WindowRows.number(row, "turnstiles"));
    }

    @Override
    public Instant eventTime(Row row) {
        return WindowRows.instant(row, "window_start");
    }
}
