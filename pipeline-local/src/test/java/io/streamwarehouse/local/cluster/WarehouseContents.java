package io.streamwarehouse.local.cluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows a job left in a warehouse database, in a form two runs can be compared by: sorted,
 * without the load timestamps (which differ by nature) and without columns naming the run's own
 * topic.
 */
final class WarehouseContents {
    private final String jdbcUrl;
    private final String username;
    private final String password;

    WarehouseContents(String jdbcUrl, String username, String password) {
        this.jdbcUrl = jdbcUrl;
        this.username = username;
        this.password = password;
    }

    /** Table -> its rows, each row one string, for every query given (table -> SELECT). */
    Map<String, List<String>> rows(Map<String, String> queries) {
        Map<String, List<String>> tables = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl, username, password);
                Statement s = c.createStatement()) {
            for (var query : queries.entrySet()) {
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = s.executeQuery(query.getValue())) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= columns; i++) {
                            row.append(i > 1 ? "|" : "").append(rs.getString(i));
                        }
                        rows.add(row.toString());
                    }
                }
                tables.put(query.getKey(), rows);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading " + jdbcUrl + " failed", e);
        }
        return tables;
    }

    long count(String sql) {
        try (Connection c = DriverManager.getConnection(jdbcUrl, username, password);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed on " + jdbcUrl, e);
        }
    }

    /**
     * Per target table, what all loads of the audit recorded: rows inserted, updated, deleted,
     * skipped. An upsert that found its row already there counts as updated or skipped, so a window
     * result written twice shows up here even though the table has one row for it.
     */
    Map<String, List<Long>> auditTotals() {
        Map<String, List<Long>> totals = new LinkedHashMap<>();
        String sql =
                "SELECT target_table, sum(rows_inserted), sum(rows_updated), sum(rows_deleted),"
                        + " sum(rows_skipped) FROM audit.load_audit GROUP BY target_table"
                        + " ORDER BY target_table";
        try (Connection c = DriverManager.getConnection(jdbcUrl, username, password);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                totals.put(
                        rs.getString(1),
                        List.of(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed on " + jdbcUrl, e);
        }
        return totals;
    }
}
