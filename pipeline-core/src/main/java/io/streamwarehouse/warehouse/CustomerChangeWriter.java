package io.streamwarehouse.warehouse;

import io.streamwarehouse.customer.CustomerChange;
import io.streamwarehouse.customer.EmailPolicy;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;

/**
 * Every source change into {@code staging.customer_changes}, once: keyed by table, row key and
 * source position, so a source that re-reads part of its log after a failover inserts nothing
 * twice. Records the job run and checkpoint (load id) that staged it. The e-mail in the row images
 * is stored as the configured policy says, as in the dimension.
 */
public final class CustomerChangeWriter extends UpsertWriter<CustomerChange>
        implements SnapshotEpoch.Stamped {
    private static final long serialVersionUID = 1L;

    private final EmailPolicy emailPolicy;
    private final SnapshotEpoch.Current epoch;

    /** Stores the row images as the source has them. */
    public CustomerChangeWriter() {
        this(EmailPolicy.plain());
    }

    /**
     * @param emailPolicy applied to the e-mail in the row images, as the dimension applies it
     */
    public CustomerChangeWriter(EmailPolicy emailPolicy) {
        this(emailPolicy, 0L);
    }

    /**
     * @param snapshotEpoch the epoch of a fresh start; a restore continues its lifetime's epoch
     */
    public CustomerChangeWriter(EmailPolicy emailPolicy, long snapshotEpoch) {
        this.emailPolicy = emailPolicy;
        this.epoch = new SnapshotEpoch.Current(snapshotEpoch);
    }

    @Override
    public SnapshotEpoch.Current epoch() {
        return epoch;
    }

    @Override
    public String targetTable() {
        return "staging.customer_changes";
    }

    @Override
    protected String sql() {
        return """
                INSERT INTO staging.customer_changes (source_table, record_key, source_position,
                    operation, source_version, source_ts, before_image, after_image, ingested_at,
                    job_id, load_id, snapshot_epoch)
                VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING RETURNING (xmax = 0)
                """;
    }

    @Override
    protected void bind(PreparedStatement s, CustomerChange original) throws SQLException {
        CustomerChange change = original.withEmailPolicy(emailPolicy);
        s.setString(1, change.table().tableName());
        s.setString(2, String.valueOf(change.primaryKey()));
        s.setString(3, change.sourcePositionIn(epoch.value()));
        s.setString(4, change.op().code());
        s.setLong(5, change.sourceVersion());
        if (change.sourceTsMillis() == null) {
            s.setNull(6, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            s.setTimestamp(6, new Timestamp(change.sourceTsMillis()));
        }
        s.setString(7, change.beforeJson());
        s.setString(8, change.afterJson());
        s.setTimestamp(9, Timestamp.from(load().startedAt()));
        s.setString(10, load().jobId);
        s.setLong(11, load().checkpointId);
        s.setLong(12, epoch.value());
    }

    @Override
    public Instant eventTime(CustomerChange change) {
        return change.sourceTsMillis() == null
                ? null
                : Instant.ofEpochMilli(change.sourceTsMillis());
    }

    @Override
    public String recordKey(CustomerChange change) {
        return change.key();
    }
}
