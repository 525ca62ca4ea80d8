package io.streamwarehouse.local.turnstile;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.warehouse.WarehouseConnection;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the job's tables back over JDBC as sorted lists of row texts, so two sources with the same
 * columns (the warehouse and the test's SQL oracle, or two warehouses) compare row for row and a
 * difference shows as the rows that are missing or unexpected.
 */
final class WarehouseTables {

    /** The job's output tables and the columns that make up their content. */
    enum Table {
        TURNSTILE_WINDOW(
                "turnstile_window",
                "window_start, window_end, ca, unit, scp, station, linename, division,"
                        + " reading_date, description, entries, exits, readings"),
        STATION_WINDOW(
                "station_window",
                "window_start, window_end, station, linename, entries, exits, readings,"
                        + " turnstiles"),
        ANOMALIES(
                "turnstile_anomalies",
                "ca, unit, scp, station, reading_time, counter, kind, previous_time,"
                        + " previous_value, current_value, delta, threshold"),
        REJECTS(
                "turnstile_rejects",
                "topic, kafka_partition, kafka_offset, reason, detail,"
                        + " encode(sha256(raw_payload), 'hex')");

        final String name;
        final String columns;

        Table(String name, String columns) {
            this.name = name;
            this.columns = columns;
        }

        String qualified() {
            return "warehouse." + name;
        }
    }

    private final WarehouseConnection warehouse;

    WarehouseTables(PipelineConfig config) {
        this.warehouse = WarehouseConnection.from(config);
    }

    Connection open() throws Exception {
        return warehouse.open();
    }

    /** The rows of {@code table} in {@code schema} ({@code warehouse} or the oracle's). */
    List<String> rows(String schema, Table table) throws Exception {
        return strings(
                "SELECT r FROM (SELECT ROW("
                        + table.columns
                        + ")::text AS r FROM "
                        + schema
                        + "."
                        + table.name
                        + ") t ORDER BY r COLLATE \"C\"");
    }

    List<String> rows(Table table) throws Exception {
        return rows("warehouse", table);
    }

    /** Every output table's rows, for comparing two whole warehouses. */
    Map<Table, List<String>> all() throws Exception {
        Map<Table, List<String>> all = new LinkedHashMap<>();
        for (Table table : Table.values()) {
            all.put(table, rows(table));
        }
        return all;
    }

    long count(Table table) throws Exception {
        return number("SELECT count(*) FROM " + table.qualified());
    }

    /** Rows of any relation, such as the oracle's views. */
    long count0(String relation) throws Exception {
        return number("SELECT count(*) FROM " + relation);
    }

    long number(String sql) throws Exception {
        try (Connection c = warehouse.open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    List<String> strings(String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = warehouse.open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    /**
     * Per table: the table's row count next to the sum of {@code rows_inserted} over its audit
     * rows, and the sum of {@code rows_updated}. Equal counts mean every row was loaded by exactly
     * one committed load; no updates mean no row was ever rewritten with other values.
     */
    Map<String, List<Long>> auditedCounts() throws Exception {
        Map<String, List<Long>> counts = new LinkedHashMap<>();
        for (Table table : Table.values()) {
            try (Connection c = warehouse.open();
                    Statement s = c.createStatement();
                    ResultSet rs =
                            s.executeQuery(
                                    "SELECT (SELECT count(*) FROM "
                                            + table.qualified()
                                            + "), coalesce(sum(rows_inserted), 0),"
                                            + " coalesce(sum(rows_updated), 0)"
                                            + " FROM audit.load_audit WHERE target_table = '"
                                            + table.qualified()
                                            + "'")) {
                rs.next();
                counts.put(table.qualified(), List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
            }
        }
        return counts;
    }
}
