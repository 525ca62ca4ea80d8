package io.streamwarehouse.warehouse;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.customer.CustomerOptions;
import io.streamwarehouse.customer.source.SourceConnection;
import io.streamwarehouse.customer.source.SourceDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The end of a re-snapshot of the customer dimension. A new snapshot rewrites every customer that
 * the source still has, under its new epoch; a customer deleted while no job read the change log (a
 * purged binlog, a job stopped for a while) is not read at all and keeps its old row. Once the new
 * epoch covers every customer of the source, the rows left at older epochs are such customers and
 * are soft-deleted, in one transaction with an audit row of their own.
 */
public final class SnapshotSweep {

    /** The job name of the sweep's audit rows. */
    public static final String JOB_NAME = "customer-dimension-resnapshot";

    private static final Duration POLL = Duration.ofMillis(500);

    /** What a re-snapshot did. */
    public record Result(long epoch, int customers, int softDeleted) {}

    private final PipelineConfig config;
    private final WarehouseConnection warehouse;

    public SnapshotSweep(PipelineConfig config) {
        this.config = config;
        this.warehouse = WarehouseConnection.from(config);
    }

    /**
     * Waits for a job lifetime that started at or after {@code since} to have written every
     * customer of the source, then soft-deletes the dimension rows that lifetime did not write.
     *
     * @param progress receives a line now and then while waiting
     * @throws TimeoutException if the new snapshot does not cover the source within {@code timeout}
     */
    public Result awaitAndSweep(Instant since, Duration timeout, Consumer<String> progress)
            throws SQLException, InterruptedException, TimeoutException {
        Instant deadline = Instant.now().plus(timeout);
        long epoch = awaitEpochSince(since, deadline, progress);
        Set<Integer> missing = uncovered(epoch);
        Instant nextReport = Instant.now();
        while (!missing.isEmpty()) {
            if (Instant.now().isAfter(deadline)) {
                throw new TimeoutException(
                        "snapshot epoch "
                                + epoch
                                + " has not written "
                                + missing.size()
                                + " customers of the source after "
                                + timeout);
            }
            if (!Instant.now().isBefore(nextReport)) {
                progress.accept(
                        "snapshot epoch " + epoch + ": " + missing.size() + " customers to go");
                nextReport = Instant.now().plusSeconds(5);
            }
            Thread.sleep(POLL.toMillis());
            missing = uncovered(epoch);
        }
        int customers = sourceCustomers().size();
        return new Result(epoch, customers, softDeleteOlderThan(epoch));
    }

    /** The epoch of the newest lifetime once it has written a row, if it started after since. */
    private long awaitEpochSince(Instant since, Instant deadline, Consumer<String> progress)
            throws SQLException, InterruptedException, TimeoutException {
        progress.accept("waiting for a snapshot that started after " + since);
        while (true) {
            long newest = newestEpoch();
            if (newest >= since.toEpochMilli()) {
                return newest;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new TimeoutException(
                        "no customer-dimension job started without state after "
                                + since
                                + " has written to warehouse.dim_customer");
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    private long newestEpoch() throws SQLException {
        try (Connection w = warehouse.open();
                Statement st = w.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT COALESCE(max(snapshot_epoch), 0)"
                                        + " FROM warehouse.dim_customer")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Customers of the source without a dimension row of {@code epoch} or later. */
    Set<Integer> uncovered(long epoch) throws SQLException {
        Set<Integer> missing = sourceCustomers();
        try (Connection w = warehouse.open();
                PreparedStatement ps =
                        w.prepareStatement(
                                "SELECT customer_id FROM warehouse.dim_customer"
                                        + " WHERE snapshot_epoch >= ?")) {
            ps.setLong(1, epoch);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    missing.remove(rs.getInt(1));
                }
            }
        }
        return missing;
    }

    private Set<Integer> sourceCustomers() throws SQLException {
        String table =
                SourceConnection.dialect(config) == SourceDialect.POSTGRES
                        ? config.get(CustomerOptions.SOURCE_SCHEMA) + ".customer"
                        : "customer";
        Set<Integer> ids = new TreeSet<>();
        try (Connection source = SourceConnection.open(config);
                Statement st = source.createStatement();
                ResultSet rs = st.executeQuery("SELECT customer_id FROM " + table)) {
            while (rs.next()) {
                ids.add(rs.getInt(1));
            }
        }
        return ids;
    }

    /**
     * Soft-deletes the live rows of lifetimes before {@code epoch}: customers the new snapshot did
     * not find. Their deletion time is unknown (no job read it), so {@code deleted_at} is now.
     *
     * @return how many rows were soft-deleted
     */
    int softDeleteOlderThan(long epoch) throws SQLException {
        Instant started = Instant.now();
        try (Connection w = warehouse.open()) {
            w.setAutoCommit(false);
            try {
                List<Integer> deleted = new ArrayList<>();
                try (PreparedStatement ps =
                        w.prepareStatement(
                                "UPDATE warehouse.dim_customer SET is_deleted = TRUE,"
                                        + " deleted_at = now(), loaded_at = now()"
                                        + " WHERE snapshot_epoch < ? AND NOT is_deleted"
                                        + " RETURNING customer_id")) {
                    ps.setLong(1, epoch);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            deleted.add(rs.getInt(1));
                        }
                    }
                }
                if (!deleted.isEmpty()) {
                    audit(w, epoch, deleted.size(), started);
                }
                w.commit();
                return deleted.size();
            } catch (SQLException | RuntimeException e) {
                w.rollback();
                throw e;
            }
        }
    }

    private static void audit(Connection w, long epoch, int deleted, Instant started)
            throws SQLException {
        try (PreparedStatement ps =
                w.prepareStatement(
                        "INSERT INTO audit.load_audit (job_name, job_id, target_table,"
                                + " checkpoint_id, subtask, rows_deleted, min_event_time,"
                                + " max_event_time, started_at)"
                                + " VALUES (?, ?, 'warehouse.dim_customer', 0, 0, ?, now(), now(), ?)")) {
            ps.setString(1, JOB_NAME);
            ps.setString(2, "sweep-epoch-" + epoch);
            ps.setLong(3, deleted);
            ps.setTimestamp(4, Timestamp.from(started));
            ps.executeUpdate();
        }
    }
}
