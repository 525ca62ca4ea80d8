package io.streamwarehouse.warehouse;

import io.streamwarehouse.customer.CustomerDimension;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import org.apache.flink.types.Row;

/**
 * The Type 1 customer dimension. The upsert only applies a row whose {@code (snapshot_epoch,
 * source_version)} is not older than the stored one, so a replayed or backfilled older change never
 * overwrites a newer value, a new snapshot's reads replace what older lifetimes wrote (see {@link
 * SnapshotEpoch}), and an identical rewrite is skipped.
 */
public final class DimCustomerWriter extends UpsertWriter<Row> implements SnapshotEpoch.Stamped {
    private static final long serialVersionUID = 1L;

    private long snapshotEpoch;

    /** Writes rows of epoch 0, the epoch of rows written before epochs existed. */
    public DimCustomerWriter() {
        this(0L);
    }

    /**
     * @param snapshotEpoch the epoch of a fresh start; a restore continues its lifetime's epoch
     */
    public DimCustomerWriter(long snapshotEpoch) {
        this.snapshotEpoch = snapshotEpoch;
    }

    @Override
    public long snapshotEpoch() {
        return snapshotEpoch;
    }

    @Override
    public void continueEpoch(long epoch) {
        this.snapshotEpoch = epoch;
    }

    /** Every dimension column but the key, in the table's order. */
    static final String[] ATTRIBUTES =
            CustomerDimension.COLUMNS
                    .subList(1, CustomerDimension.COLUMNS.size())
                    .toArray(String[]::new);

    @Override
    public String targetTable() {
        return "warehouse.dim_customer";
    }

    @Override
    protected String sql() {
        StringBuilder sql =
                new StringBuilder("INSERT INTO warehouse.dim_customer AS d (customer_id");
        for (String column : ATTRIBUTES) {
            sql.append(", ").append(column);
        }
        sql.append(", snapshot_epoch) VALUES (?")
                .append(", ?".repeat(ATTRIBUTES.length + 1))
                .append(")");
        sql.append(" ON CONFLICT (customer_id) DO UPDATE SET ");
        for (int i = 0; i < ATTRIBUTES.length; i++) {
            sql.append(i == 0 ? "" : ", ")
                    .append(ATTRIBUTES[i])
                    .append(" = EXCLUDED.")
                    .append(ATTRIBUTES[i]);
        }
        sql.append(", snapshot_epoch = EXCLUDED.snapshot_epoch, loaded_at = now()");
        // older never overwrites newer; equal versions are allowed so a join update that carries
        // the same version (e.g. a city rename seen through another address) still applies
        sql.append(
                " WHERE (d.snapshot_epoch, d.source_version)"
                        + " <= (EXCLUDED.snapshot_epoch, EXCLUDED.source_version) AND (");
        // a new epoch rewrites even an unchanged row: the row now belongs to the new snapshot
        sql.append("d.snapshot_epoch");
        for (String column : ATTRIBUTES) {
            sql.append(", d.").append(column);
        }
        sql.append(") IS DISTINCT FROM (EXCLUDED.snapshot_epoch");
        for (String column : ATTRIBUTES) {
            sql.append(", EXCLUDED.").append(column);
        }
        sql.append(") RETURNING (xmax = 0)");
        return sql.toString();
    }

    @Override
    protected void bind(PreparedStatement s, Row row) throws SQLException {
        s.setInt(1, ((Number) row.getField("customer_id")).intValue());
        for (int i = 0; i < ATTRIBUTES.length; i++) {
            s.setObject(i + 2, jdbcValue(row.getField(ATTRIBUTES[i])), sqlType(ATTRIBUTES[i]));
        }
        s.setLong(ATTRIBUTES.length + 2, snapshotEpoch);
    }

    private static Object jdbcValue(Object value) {
        if (value instanceof Instant instant) {
            return Timestamp.from(instant);
        }
        if (value instanceof LocalDateTime time) {
            return Timestamp.valueOf(time);
        }
        if (value instanceof LocalDate date) {
            return Timestamp.valueOf(date.atStartOfDay());
        }
        return value;
    }

    private static int sqlType(String column) {
        switch (column) {
            case "store_id":
            case "address_id":
            case "city_id":
            case "country_id":
                return Types.INTEGER;
            case "active":
            case "is_deleted":
                return Types.BOOLEAN;
            case "source_version":
                return Types.BIGINT;
            case "create_date":
            case "deleted_at":
            case "source_ts":
                return Types.TIMESTAMP;
            default:
                return Types.VARCHAR;
        }
    }

    @Override
    protected boolean isDelete(Row row) {
        return Boolean.TRUE.equals(row.getField("is_deleted"));
    }

    @Override
    public Instant eventTime(Row row) {
        Object ts = row.getField("source_ts");
        if (ts instanceof Instant instant) {
            return instant;
        }
        return ts instanceof LocalDateTime time ? time.toInstant(java.time.ZoneOffset.UTC) : null;
    }

    @Override
    public String recordKey(Row row) {
        return "customer:" + row.getField("customer_id");
    }
}
