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

    private final SnapshotEpoch.Current epoch;

    /**
     * @param snapshotEpoch the epoch of a fresh start; a restore continues its lifetime's epoch
     */
    public DimCustomerWriter(long snapshotEpoch) {
        this.epoch = new SnapshotEpoch.Current(snapshotEpoch);
    }

    @Override
    public SnapshotEpoch.Current epoch() {
        return epoch;
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

    /**
     * The upsert with its version guard, in the table's column order (as {@link #bind} binds them).
     * A row applies only if its {@code (snapshot_epoch, source_version)} is not older than the
     * stored one: older never overwrites newer. Equal versions apply, so a join update that carries
     * the same version (a city rename seen through another address) still lands; an identical row
     * is skipped, but a new epoch rewrites even an unchanged row, which now belongs to the new
     * snapshot. {@code RETURNING} tells an insert from an update.
     */
    private static final String UPSERT =
            """
            INSERT INTO warehouse.dim_customer AS d (customer_id,
                store_id, first_name, last_name, email, active, create_date, address_id,
                address, address2, district, postal_code, phone, city_id, city, country_id,
                country, is_deleted, deleted_at, source_version, source_ts,
                snapshot_epoch)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (customer_id) DO UPDATE SET
                store_id = EXCLUDED.store_id,
                first_name = EXCLUDED.first_name,
                last_name = EXCLUDED.last_name,
                email = EXCLUDED.email,
                active = EXCLUDED.active,
                create_date = EXCLUDED.create_date,
                address_id = EXCLUDED.address_id,
                address = EXCLUDED.address,
                address2 = EXCLUDED.address2,
                district = EXCLUDED.district,
                postal_code = EXCLUDED.postal_code,
                phone = EXCLUDED.phone,
                city_id = EXCLUDED.city_id,
                city = EXCLUDED.city,
                country_id = EXCLUDED.country_id,
                country = EXCLUDED.country,
                is_deleted = EXCLUDED.is_deleted,
                deleted_at = EXCLUDED.deleted_at,
                source_version = EXCLUDED.source_version,
                source_ts = EXCLUDED.source_ts,
                snapshot_epoch = EXCLUDED.snapshot_epoch, loaded_at = now()
            WHERE (d.snapshot_epoch, d.source_version) <= (EXCLUDED.snapshot_epoch, EXCLUDED.source_version)
              AND (d.snapshot_epoch,
                d.store_id, d.first_name, d.last_name, d.email, d.active, d.create_date,
                d.address_id, d.address, d.address2, d.district, d.postal_code, d.phone,
                d.city_id, d.city, d.country_id, d.country, d.is_deleted, d.deleted_at,
                d.source_version, d.source_ts)
              IS DISTINCT FROM (EXCLUDED.snapshot_epoch,
                EXCLUDED.store_id, EXCLUDED.first_name, EXCLUDED.last_name, EXCLUDED.email,
                EXCLUDED.active, EXCLUDED.create_date, EXCLUDED.address_id,
                EXCLUDED.address, EXCLUDED.address2, EXCLUDED.district,
                EXCLUDED.postal_code, EXCLUDED.phone, EXCLUDED.city_id, EXCLUDED.city,
                EXCLUDED.country_id, EXCLUDED.country, EXCLUDED.is_deleted,
                EXCLUDED.deleted_at, EXCLUDED.source_version, EXCLUDED.source_ts)
            RETURNING (xmax = 0)
            """;

    @Override
    protected String sql() {
        return UPSERT;
    }

    @Override
    protected void bind(PreparedStatement s, Row row) throws SQLException {
        s.setInt(1, ((Number) row.getField("customer_id")).intValue());
        for (int i = 0; i < ATTRIBUTES.length; i++) {
            s.setObject(i + 2, jdbcValue(row.getField(ATTRIBUTES[i])), sqlType(ATTRIBUTES[i]));
        }
        s.setLong(ATTRIBUTES.length + 2, epoch.value());
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

    /** A load may hold one customer's changes one after the other: they apply in order. */
    @Override
    protected Object conflictKey(Row row) {
        return row.getField("customer_id");
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
