package io.streamwarehouse.local.customer;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Queries over {@code staging.customer_changes} and {@code audit.load_audit} that state the job's
 * delivery guarantees: every change staged once, and audit rows that add up to what each load
 * wrote.
 */
final class WarehouseChecks {

    static final String STAGING = "staging.customer_changes";
    static final String DIMENSION = "warehouse.dim_customer";

    private WarehouseChecks() {}

    /** Staged streamed changes (not snapshot reads) by table and operation, e.g. city:u. */
    static Map<String, Long> stagedChanges(Connection c) throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        try (Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT source_table || ':' || operation, count(*) FROM "
                                        + STAGING
                                        + " WHERE operation <> 'r' GROUP BY 1")) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        }
        return counts;
    }

    static long stagedSnapshotReads(Connection c) throws SQLException {
        return count(c, "SELECT count(*) FROM " + STAGING + " WHERE operation = 'r'");
    }

    /**
     * Violations of "each change staged once, and each staging load's audit row counts exactly the
     * rows that load inserted". Empty when the guarantees hold.
     */
    static List<String> stagingProblems(Connection c) throws SQLException {
        List<String> problems = new ArrayList<>();
        // A change staged under two positions would show as two rows with one source version;
        // the primary key alone cannot catch that.
        rows(
                c,
                "SELECT source_table, record_key, source_version, count(*) FROM "
                        + STAGING
                        + " WHERE operation <> 'r'"
                        + " GROUP BY 1, 2, 3 HAVING count(*) > 1",
                r -> "change staged twice: " + r,
                problems);
        // Staging rows carry the job run and checkpoint of the load that wrote them, so every load
        // can be matched with its audit row.
        rows(
                c,
                "SELECT COALESCE(s.job_id, a.job_id), COALESCE(s.load_id, a.checkpoint_id),"
                        + " s.n AS staged, a.rows_inserted AS audited"
                        + " FROM (SELECT job_id, load_id, count(*) AS n FROM "
                        + STAGING
                        + " GROUP BY 1, 2) s"
                        + " FULL JOIN (SELECT job_id, checkpoint_id, sum(rows_inserted) AS"
                        + " rows_inserted FROM audit.load_audit WHERE target_table = '"
                        + STAGING
                        + "' GROUP BY 1, 2) a"
                        + " ON a.job_id = s.job_id AND a.checkpoint_id = s.load_id"
                        + " WHERE a.job_id IS NULL OR COALESCE(s.n, 0) <> a.rows_inserted",
                r ->
                        "staging load and its audit row disagree (job, checkpoint, staged, audited): "
                                + r,
                problems);
        rows(
                c,
                "SELECT job_id, checkpoint_id, rows_updated, rows_deleted FROM audit.load_audit"
                        + " WHERE target_table = '"
                        + STAGING
                        + "' AND (rows_updated <> 0 OR rows_deleted <> 0)",
                r -> "staging is insert-only, but an audit row counts updates or deletes: " + r,
                problems);
        return problems;
    }

    /**
     * Violations of "one audit row per job run, table, checkpoint and subtask, and the dimension's
     * audit rows add up to its rows". Empty when they hold.
     */
    static List<String> auditProblems(Connection c) throws SQLException {
        List<String> problems = new ArrayList<>();
        rows(
                c,
                "SELECT job_id, target_table, checkpoint_id, subtask, count(*)"
                        + " FROM audit.load_audit GROUP BY 1, 2, 3, 4 HAVING count(*) > 1",
                r -> "audit row written twice: " + r,
                problems);
        rows(
                c,
                "SELECT job_name, job_id, target_table, checkpoint_id, status, min_event_time,"
                        + " max_event_time FROM audit.load_audit"
                        + " WHERE status <> 'COMMITTED'"
                        + " OR finished_at < started_at"
                        + " OR rows_inserted + rows_updated + rows_deleted + rows_skipped = 0"
                        + " OR min_event_time IS NULL OR max_event_time < min_event_time",
                r -> "malformed audit row: " + r,
                problems);
        long customers = count(c, "SELECT count(*) FROM " + DIMENSION);
        long inserted = sumAudit(c, DIMENSION, "rows_inserted");
        if (inserted != customers) {
            problems.add(
                    "the dimension's audit rows count "
                            + inserted
                            + " inserts, but it holds "
                            + customers
                            + " customers");
        }
        // A customer created and deleted before the dimension saw it alive is inserted flagged
        // deleted, an insert like any other: so the audit's deletes bound no count of flagged rows
        // here, and the contract tests check them where the changes are known one by one.
        return problems;
    }

    static long sumAudit(Connection c, String table, String column) throws SQLException {
        return count(
                c,
                "SELECT COALESCE(sum("
                        + column
                        + "), 0) FROM audit.load_audit WHERE target_table = '"
                        + table
                        + "'");
    }

    static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> values = new java.util.ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @FunctionalInterface
    private interface RowText {
        String describe(String row);
    }

    private static void rows(Connection c, String sql, RowText message, List<String> problems)
            throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    values.add(String.valueOf(rs.getObject(i)));
                }
                problems.add(message.describe(String.join(", ", values)));
            }
        }
    }
}
