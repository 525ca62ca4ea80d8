package io.streamwarehouse.warehouse;

import io.streamwarehouse.turnstile.CounterAnomaly;
import io.streamwarehouse.turnstile.TurnstileTime;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;

/**
 * Counter readings that were not counted, with both readings; once each per reading and counter.
 */
public final class AnomalyWriter extends UpsertWriter<CounterAnomaly> {
    private static final long serialVersionUID = 1L;

    @Override
    public String targetTable() {
        return "warehouse.turnstile_anomalies";
    }

    @Override
    protected String sql() {
        return """
                INSERT INTO warehouse.turnstile_anomalies (ca, unit, scp, station, reading_time,
                    counter, kind, previous_time, previous_value, current_value, delta, threshold)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING RETURNING (xmax = 0)
                """;
    }

    @Override
    protected void bind(PreparedStatement statement, CounterAnomaly a) throws SQLException {
        statement.setString(1, a.ca);
        statement.setString(2, a.unit);
        statement.setString(3, a.scp);
        statement.setString(4, a.station);
        statement.setTimestamp(5, Timestamp.valueOf(a.readingTime));
        statement.setString(6, a.counter);
        statement.setString(7, a.kind);
        statement.setTimestamp(8, Timestamp.valueOf(a.previousTime));
        statement.setLong(9, a.previousValue);
        statement.setLong(10, a.currentValue);
        statement.setLong(11, a.delta);
        if (a.threshold == null) {
            statement.setNull(12, Types.BIGINT);
        } else {
            statement.setLong(12, a.threshold);
        }
    }

    @Override
    public Instant eventTime(CounterAnomaly a) {
        return Instant.ofEpochMilli(TurnstileTime.toEpochMillis(a.readingTime));
    }
}
