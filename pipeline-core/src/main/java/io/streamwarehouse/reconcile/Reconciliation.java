package io.streamwarehouse.reconcile;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.warehouse.DimCustomerWriter;
import io.streamwarehouse.warehouse.Load;
import io.streamwarehouse.warehouse.LoadCommitter;
import io.streamwarehouse.warehouse.WarehouseConnection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.types.Row;

/**
 * Compares the warehouse with its sources ({@code ./pipeline reconcile}): the dimension against a
 * direct join of the source tables, each staging load against its audit row, keys that must be
 * unique, and each station window against the sum of its turnstile windows. Forgotten customers are
 * not differences: the warehouse keeps them out on purpose.
 *
 * <p>The jobs run while this looks, so a change on its way through a job shows as a difference for
 * a moment. A difference counts only when a second look, {@code grace} later, finds it again with
 * the same values on both sides: one whose values moved in between was in flight.
 */
public final class Reconciliation {
    public static final String DIMENSION = "dimension";
    public static final String STAGING_AUDIT = "staging-audit";
    public static final String DUPLICATE_KEY = "duplicate-key";
    public static final String STATION_WINDOW = "station-window";

    /** The job name of the loads {@code --fix} writes, in {@code audit.load_audit}. */
    public static final String FIX_JOB = "reconcile";

    private final PipelineConfig config;
    private final WarehouseConnection warehouse;

    public Reconciliation(PipelineConfig config) {
        this.config = config;
        this.warehouse = WarehouseConnection.from(config);
    }

    /** What one run found, repaired and left, as recorded under {@code runId}. */
    public record Outcome(
            long runId, List<Difference> found, int fixed, List<Difference> remaining) {}

    /**
     * Looks for differences, repairs the dimension's if {@code fix}, and records the run in {@code
     * audit.reconcile_run} and {@code audit.reconcile_difference}.
     */
    public Outcome run(Duration grace, boolean fix) throws SQLException, InterruptedException {
        Instant started = Instant.now();
        List<Difference> found = findSettled(grace);
        Set<String> fixedItems = new HashSet<>();
        List<Difference> remaining = found;
        if (fix) {
            fixedItems.addAll(fixDimension(started, found));
            remaining = stillThere(found, find());
        }
        long runId = record(started, found, fixedItems, remaining.size());
        return new Outcome(runId, found, fixedItems.size(), remaining);
    }

    /** Differences seen twice, {@code grace} apart, with nothing about them changed in between. */
    public List<Difference> findSettled(Duration grace) throws SQLException, InterruptedException {
        List<Difference> first = find();
        if (first.isEmpty() || grace.isZero()) {
            return first;
        }
        Thread.sleep(grace.toMillis());
        Set<String> before = new HashSet<>();
        first.forEach(d -> before.add(d.settledKey()));
        List<Difference> settled = new ArrayList<>();
        for (Difference d : find()) {
            if (before.contains(d.settledKey())) {
                settled.add(d);
            }
        }
        return settled;
    }

    /** Every check once. */
    public List<Difference> find() throws SQLException {
        List<Difference> all = new ArrayList<>();
        try (Connection w = warehouse.open()) {
            all.addAll(dimensionEqualsSourceJoin(w));
            all.addAll(everyStagingLoadHoldsTheRowsItsAuditCounts(w));
            all.addAll(keysAreUnique(w));
            all.addAll(stationWindowsAddUpTheirTurnstileWindows(w));
        }
        return all;
    }

    /**
     * Every customer of the source has a live row equal to its join; a row the source no longer has
     * is flagged deleted; forgotten customers are left out on both sides.
     */
    private List<Difference> dimensionEqualsSourceJoin(Connection w) throws SQLException {
        Map<Integer, Row> source = CustomerRows.fromSource(config);
        Map<Integer, Row> stored = CustomerRows.fromWarehouse(w);
        Set<Integer> forgotten = forgottenCustomers(w);
        TreeSet<Integer> ids = new TreeSet<>(source.keySet());
        ids.addAll(stored.keySet());
        ids.removeAll(forgotten);
        List<Difference> differences = new ArrayList<>();
        for (int id : ids) {
            Row expected = source.get(id);
            Row actual = stored.get(id);
            String detail = dimensionDifference(expected, actual);
            if (detail != null) {
                differences.add(
                        new Difference(
                                DIMENSION, "customer " + id, detail, expected + "|" + actual));
            }
        }
        return differences;
    }

    /** How a stored row differs from the source's, by column name only; null if it does not. */
    private static String dimensionDifference(Row expected, Row actual) {
        if (actual == null) {
            return "missing from the dimension";
        }
        boolean deleted = Boolean.TRUE.equals(actual.getField("is_deleted"));
        if (expected == null) {
            return deleted ? null : "not in the source, but not flagged deleted";
        }
        List<String> columns = new ArrayList<>();
        for (String column : CustomerRows.SOURCE_COLUMNS) {
            if (!Objects.equals(expected.getField(column), actual.getField(column))) {
                columns.add(column);
            }
        }
        if (deleted) {
            columns.add("is_deleted");
        }
        return columns.isEmpty() ? null : "differs in " + String.join(", ", columns);
    }

    /**
     * Staging rows carry the job run and checkpoint of the load that wrote them, in the transaction
     * that wrote the load's audit row: the two must always agree.
     */
    private static List<Difference> everyStagingLoadHoldsTheRowsItsAuditCounts(Connection w)
            throws SQLException {
        return query(
                w,
                "SELECT COALESCE(s.job_id, a.job_id), COALESCE(s.load_id, a.checkpoint_id),"
                        + " COALESCE(s.n, 0), a.rows_inserted"
                        + " FROM (SELECT job_id, load_id, count(*) AS n"
                        + " FROM staging.customer_changes GROUP BY 1, 2) s"
                        + " FULL JOIN (SELECT job_id, checkpoint_id, sum(rows_inserted) AS"
                        + " rows_inserted FROM audit.load_audit"
                        + " WHERE target_table = 'staging.customer_changes' GROUP BY 1, 2) a"
                        + " ON a.job_id = s.job_id AND a.checkpoint_id = s.load_id"
                        + " WHERE a.job_id IS NULL OR COALESCE(s.n, 0) <> a.rows_inserted",
                rs ->
                        new Difference(
                                STAGING_AUDIT,
                                "load " + rs.getString(1) + " checkpoint " + rs.getLong(2),
                                "staging holds "
                                        + rs.getLong(3)
                                        + " rows, its audit "
                                        + (rs.getObject(4) == null
                                                ? "has no row"
                                                : "counts " + rs.getLong(4)),
                                rs.getLong(3) + "/" + rs.getObject(4)));
    }

    /**
     * One dimension row and at most one current history row per customer, and each source change
     * staged once: a change staged again under another position would show as one version twice.
     */
    private static List<Difference> keysAreUnique(Connection w) throws SQLException {
        List<Difference> differences = new ArrayList<>();
        differences.addAll(
                duplicates(
                        w,
                        "warehouse.dim_customer",
                        "SELECT 'customer ' || customer_id, count(*)"
                                + " FROM warehouse.dim_customer GROUP BY customer_id"
                                + " HAVING count(*) > 1"));
        differences.addAll(
                duplicates(
                        w,
                        "warehouse.dim_customer_history",
                        "SELECT 'current customer ' || customer_id, count(*)"
                                + " FROM warehouse.dim_customer_history WHERE is_current"
                                + " GROUP BY customer_id HAVING count(*) > 1"));
        differences.addAll(
                duplicates(
                        w,
                        "staging.customer_changes",
                        "SELECT source_table || ':' || record_key || ' version ' || source_version,"
                                + " count(*) FROM staging.customer_changes WHERE operation <> 'r'"
                                + " GROUP BY source_table, record_key, source_version"
                                + " HAVING count(*) > 1"));
        return differences;
    }

    private static List<Difference> duplicates(Connection w, String table, String sql)
            throws SQLException {
        return query(
                w,
                sql,
                rs ->
                        new Difference(
                                DUPLICATE_KEY,
                                table + " " + rs.getString(1),
                                rs.getLong(2) + " rows",
                                String.valueOf(rs.getLong(2))));
    }

    /**
     * The job's two outputs agree: a station window's entries, exits and readings are the sums of
     * its turnstile windows, and its turnstiles the distinct turnstiles among them.
     */
    private static List<Difference> stationWindowsAddUpTheirTurnstileWindows(Connection w)
            throws SQLException {
        return query(
                w,
                "SELECT COALESCE(s.window_start, t.window_start), COALESCE(s.window_end,"
                        + " t.window_end), COALESCE(s.station, t.station),"
                        + " COALESCE(s.linename, t.linename),"
                        + " s.entries, s.exits, s.readings, s.turnstiles,"
                        + " t.entries, t.exits, t.readings, t.turnstiles"
                        + " FROM warehouse.station_window s FULL JOIN ("
                        + "SELECT window_start, window_end, station, linename,"
                        + " sum(entries) AS entries, sum(exits) AS exits, sum(readings) AS readings,"
                        + " count(DISTINCT (ca, unit, scp)) AS turnstiles"
                        + " FROM warehouse.turnstile_window GROUP BY 1, 2, 3, 4) t"
                        + " ON t.window_start = s.window_start AND t.window_end = s.window_end"
                        + " AND t.station = s.station AND t.linename = s.linename"
                        + " WHERE (s.entries, s.exits, s.readings, s.turnstiles)"
                        + " IS DISTINCT FROM (t.entries, t.exits, t.readings, t.turnstiles)",
                rs -> {
                    String item =
                            rs.getString(3)
                                    + " ("
                                    + rs.getString(4)
                                    + ") "
                                    + rs.getTimestamp(1).toLocalDateTime()
                                    + " to "
                                    + rs.getTimestamp(2).toLocalDateTime();
                    String station =
                            rs.getObject(5) == null
                                    ? "no station window"
                                    : String.format(
                                            "station %d/%d/%d/%d",
                                            rs.getLong(5),
                                            rs.getLong(6),
                                            rs.getLong(7),
                                            rs.getLong(8));
                    String turnstiles =
                            rs.getObject(9) == null
                                    ? "no turnstile windows"
                                    : String.format(
                                            "turnstile windows add up to %d/%d/%d/%d",
                                            rs.getLong(9),
                                            rs.getLong(10),
                                            rs.getLong(11),
                                            rs.getLong(12));
                    String detail =
                            station + ", " + turnstiles + " (entries/exits/readings/turnstiles)";
                    return new Difference(STATION_WINDOW, item, detail, detail);
                });
    }

    /**
     * Writes the source's version of each differing customer through the job's own writer, so the
     * write is guarded, counted and audited like the job's: a row the source has is written as the
     * join gives it; a live row the source no longer has is flagged deleted. Each keeps its stored
     * source version (0 if there was none), so any later change from the job still wins.
     *
     * @return the differences' items that were written
     */
    private Set<String> fixDimension(Instant started, List<Difference> found) throws SQLException {
        Set<String> items = new HashSet<>();
        for (Difference d : found) {
            if (d.check().equals(DIMENSION)) {
                items.add(d.item());
            }
        }
        if (items.isEmpty()) {
            return items;
        }
        Map<Integer, Row> source = CustomerRows.fromSource(config);
        Map<Integer, Row> stored;
        Map<Integer, Long> epochs;
        try (Connection w = warehouse.open()) {
            stored = CustomerRows.fromWarehouse(w);
            epochs = CustomerRows.snapshotEpochs(w);
        }
        // Written under the newest snapshot epoch, the running job's, with each row's stored
        // version: the job's later changes still win over a repaired row, and a row of an older
        // lifetime (one the job's own snapshot no longer found) is repaired rather than refused.
        long newest = epochs.values().stream().mapToLong(Long::longValue).max().orElse(0L);
        List<Row> rows = new ArrayList<>();
        for (String item : items) {
            int id = Integer.parseInt(item.substring("customer ".length()));
            rows.add(repaired(id, source.get(id), stored.get(id), started));
        }
        try (LoadCommitter<Row> committer =
                new LoadCommitter<>(warehouse, new DimCustomerWriter(newest))) {
            committer.commit(
                    new Load<>(
                            FIX_JOB,
                            FIX_JOB,
                            started.toEpochMilli(),
                            0,
                            started.toEpochMilli(),
                            rows));
        }
        return items;
    }

    private static Row repaired(int id, Row source, Row stored, Instant now) {
        Row row = Row.withNames();
        row.setField("customer_id", id);
        for (String column : CustomerRows.SOURCE_COLUMNS) {
            row.setField(column, (source != null ? source : stored).getField(column));
        }
        row.setField("is_deleted", source == null);
        Object deletedAt = stored == null ? null : stored.getField("deleted_at");
        row.setField("deleted_at", source != null ? null : deletedAt != null ? deletedAt : now);
        row.setField("source_version", stored == null ? 0L : stored.getField("source_version"));
        row.setField("source_ts", stored == null ? null : stored.getField("source_ts"));
        return row;
    }

    /** The differences found before that a new look still finds (by check and item). */
    private static List<Difference> stillThere(List<Difference> before, List<Difference> now) {
        Set<String> items = new HashSet<>();
        now.forEach(d -> items.add(d.check() + "\u0000" + d.item()));
        List<Difference> remaining = new ArrayList<>();
        for (Difference d : before) {
            if (items.contains(d.check() + "\u0000" + d.item())) {
                remaining.add(d);
            }
        }
        return remaining;
    }

    private long record(Instant started, List<Difference> found, Set<String> fixed, int remaining)
            throws SQLException {
        try (Connection w = warehouse.open()) {
            w.setAutoCommit(false);
            long runId;
            try (PreparedStatement run =
                    w.prepareStatement(
                            "INSERT INTO audit.reconcile_run (started_at, differences, fixed,"
                                    + " remaining) VALUES (?, ?, ?, ?) RETURNING run_id")) {
                run.setTimestamp(1, Timestamp.from(started));
                run.setInt(2, found.size());
                run.setInt(3, fixed.size());
                run.setInt(4, remaining);
                try (ResultSet rs = run.executeQuery()) {
                    rs.next();
                    runId = rs.getLong(1);
                }
            }
            try (PreparedStatement difference =
                    w.prepareStatement(
                            "INSERT INTO audit.reconcile_difference (run_id, check_name, item,"
                                    + " detail, fixed) VALUES (?, ?, ?, ?, ?)")) {
                for (Difference d : found) {
                    difference.setLong(1, runId);
                    difference.setString(2, d.check());
                    difference.setString(3, d.item());
                    difference.setString(4, d.detail());
                    difference.setBoolean(
                            5, d.check().equals(DIMENSION) && fixed.contains(d.item()));
                    difference.addBatch();
                }
                difference.executeBatch();
            }
            w.commit();
            return runId;
        }
    }

    private static Set<Integer> forgottenCustomers(Connection w) throws SQLException {
        return new HashSet<>(
                query(
                        w,
                        "SELECT customer_id FROM warehouse.forgotten_customer",
                        rs -> rs.getInt(1)));
    }

    @FunctionalInterface
    private interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private static <T> List<T> query(Connection w, String sql, RowReader<T> reader)
            throws SQLException {
        List<T> result = new ArrayList<>();
        try (Statement st = w.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                result.add(reader.read(rs));
            }
        }
        return result;
    }
}
