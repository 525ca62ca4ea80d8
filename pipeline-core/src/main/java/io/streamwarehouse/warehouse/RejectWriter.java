package io.streamwarehouse.warehouse;

import io.streamwarehouse.turnstile.Reject;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Rejected turnstile records, once each: keyed by their Kafka coordinates. */
public final class RejectWriter extends UpsertWriter<Reject> {
    private static final long serialVersionUID = 1L;

    @Override
    public String targetTable() {
        return "warehouse.turnstile_rejects";
    }

    @Override
    protected String sql() {
        return """
                INSERT INTO warehouse.turnstile_rejects
                    (topic, kafka_partition, kafka_offset, reason, detail, raw_payload)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING RETURNING (xmax = 0)
                """;
    }

    @Override
    protected void bind(PreparedStatement statement, Reject reject) throws SQLException {
        statement.setString(1, reject.topic);
        statement.setInt(2, reject.partition);
        statement.setLong(3, reject.offset);
        statement.setString(4, reject.reason);
        // PostgreSQL TEXT cannot hold NUL; details quote raw input, so strip it there
        statement.setString(5, reject.detail == null ? null : reject.detail.replace('\0', ' '));
        statement.setBytes(6, reject.raw);
    }
}
