package io.streamwarehouse.warehouse;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.apache.flink.types.Row;

/**
 * The optional SCD Type 2 history ({@code customer.history=true}): each new version of a customer
 * closes the current row (valid_to = the new version's source time) and becomes the current one.
 * Keyed and ordered by (customer, snapshot epoch, source version), so a replay adds nothing, a
 * version older than the current one is skipped rather than reopening the past, and a new
 * snapshot's read (version 0 of a newer epoch, see {@link SnapshotEpoch}) closes what an older job
 * lifetime left current.
 */
public final class DimCustomerHistoryWriter implements TableWriter<Row>, SnapshotEpoch.Stamped {
    private static final long serialVersionUID = 1L;

    private final SnapshotEpoch.Current epoch;

    /**
     * @param snapshotEpoch the epoch of a fresh start; a restore continues its lifetime's epoch
     */
    public DimCustomerHistoryWriter(long snapshotEpoch) {
        this.epoch = new SnapshotEpoch.Current(snapshotEpoch);
    }

    @Override
    public SnapshotEpoch.Current epoch() {
        return epoch;
    }

    private static final String[] ATTRIBUTES = {
        "store_id",
        "first_name",
        "last_name",
        "email",
        "active",
        "address_id",
        "address",
        "district",
        "postal_code",
        "phone",
        "city",
        "country",
        "is_deleted"
    };

    private static final String CLOSE =
            "UPDATE warehouse.dim_customer_history SET valid_to = ?, is_current = FALSE"
                    + " WHERE customer_id = ? AND is_current"
                    + " AND (snapshot_epoch, source_version) < (?, ?)";

    private static final String OPEN;

    /**
     * The join refines a version before it settles (a customer read before its address in the
     * snapshot is emitted once without and once with it, both at the same version): the current row
     * of the same version is corrected in place instead of becoming history.
     */
    private static final String REFINE;

    static {
        StringBuilder sql =
                new StringBuilder(
                        "INSERT INTO warehouse.dim_customer_history (customer_id, snapshot_epoch,"
                                + " source_version, valid_from, valid_to, is_current");
        StringBuilder values = new StringBuilder(" SELECT ?, ?, ?, ?, NULL, TRUE");
        for (String column : ATTRIBUTES) {
            sql.append(", ").append(column);
            values.append(", ?");
        }
        StringBuilder refine = new StringBuilder("UPDATE warehouse.dim_customer_history SET ");
        for (int i = 0; i < ATTRIBUTES.length; i++) {
            refine.append(i == 0 ? "" : ", ").append(ATTRIBUTES[i]).append(" = ?");
        }
        REFINE =
                refine.append(
                                " WHERE customer_id = ? AND snapshot_epoch = ? AND source_version = ?"
                                        + " AND is_current")
                        .toString();
        OPEN =
                sql.append(")")
                        .append(values)
                        .append(
                                " WHERE NOT EXISTS (SELECT 1 FROM warehouse.dim_customer_history"
                                        + " WHERE customer_id = ?"
                                        + " AND (snapshot_epoch, source_version) >= (?, ?))")
                        .toString();
    }

    @Override
    public String targetTable() {
        return "warehouse.dim_customer_history";
    }

    @Override
    public RowOutcome write(Statements statements, Row row) throws SQLException {
        int customer = ((Number) row.getField("customer_id")).intValue();
        long version = ((Number) row.getField("source_version")).longValue();
        Timestamp from = Timestamp.from(validFrom(row));

        PreparedStatement open = statements.get(OPEN);
        open.setInt(1, customer);
        open.setLong(2, epoch.value());
        open.setLong(3, version);
        open.setTimestamp(4, from);
        for (int i = 0; i < ATTRIBUTES.length; i++) {
            open.setObject(5 + i, row.getField(ATTRIBUTES[i]));
        }
        open.setInt(5 + ATTRIBUTES.length, customer);
        open.setLong(6 + ATTRIBUTES.length, epoch.value());
        open.setLong(7 + ATTRIBUTES.length, version);

        PreparedStatement close = statements.get(CLOSE);
        close.setTimestamp(1, from);
        close.setInt(2, customer);
        close.setLong(3, epoch.value());
        close.setLong(4, version);
        PreparedStatement refine = statements.get(REFINE);
        for (int i = 0; i < ATTRIBUTES.length; i++) {
            refine.setObject(1 + i, row.getField(ATTRIBUTES[i]));
        }
        refine.setInt(1 + ATTRIBUTES.length, customer);
        refine.setLong(2 + ATTRIBUTES.length, epoch.value());
        refine.setLong(3 + ATTRIBUTES.length, version);
        if (refine.executeUpdate() > 0) {
            return RowOutcome.UPDATED;
        }
        // close first: the partial unique index allows one current row per customer
        int closed = close.executeUpdate();
        if (open.executeUpdate() == 0) {
            if (closed > 0) {
                throw new IllegalStateException(
                        "history of customer " + customer + " closed without a successor");
            }
            return RowOutcome.SKIPPED;
        }
        if (Boolean.TRUE.equals(row.getField("is_deleted"))) {
            return RowOutcome.DELETED;
        }
        return closed > 0 ? RowOutcome.UPDATED : RowOutcome.INSERTED;
    }

    private static Instant validFrom(Row row) {
        Object ts = row.getField("source_ts");
        if (ts instanceof Instant instant) {
            return instant;
        }
        if (ts instanceof LocalDateTime time) {
            return time.toInstant(ZoneOffset.UTC);
        }
        return Instant.EPOCH;
    }

    @Override
    public Instant eventTime(Row row) {
        return validFrom(row);
    }

    @Override
    public String recordKey(Row row) {
        return "customer:" + row.getField("customer_id");
    }
}
