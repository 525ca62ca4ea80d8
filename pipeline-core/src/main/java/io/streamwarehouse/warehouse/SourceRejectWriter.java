package io.streamwarehouse.warehouse;

import io.streamwarehouse.customer.SourceReject;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Change events the customer job cannot apply, kept by their identity: a replayed event is skipped.
 * The event text is already under the e-mail policy (see {@code ParseChanges}).
 */
public final class SourceRejectWriter extends UpsertWriter<SourceReject> {
    private static final long serialVersionUID = 1L;

    @Override
    public String targetTable() {
        return "audit.source_rejects";
    }

    @Override
    protected String sql() {
        return """
                INSERT INTO audit.source_rejects (event_id, source_table, record_key,
                    source_position, reason, event)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING RETURNING (xmax = 0)
                """;
    }

    @Override
    protected void bind(PreparedStatement s, SourceReject reject) throws SQLException {
        s.setString(1, reject.eventId);
        s.setString(2, reject.sourceTable);
        s.setString(3, reject.recordKey);
        s.setString(4, reject.sourcePosition);
        s.setString(5, reject.reason.replace('\0', ' '));
        s.setString(6, reject.event == null ? null : reject.event.replace("\0", "\\u0000"));
    }

    /** As staging's: forgetting a customer finds the events of its row. */
    @Override
    public String recordKey(SourceReject reject) {
        return reject.sourceTable == null || reject.recordKey == null
                ? null
                : reject.sourceTable + ":" + reject.recordKey;
    }
}
