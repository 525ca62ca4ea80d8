package io.streamwarehouse.local.report;

import io.streamwarehouse.warehouse.WarehouseConnection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A self-contained HTML page (inline SVG, no scripts, no external files) that shows the busiest
 * stations by hour as a heatmap, summaries of the customer dimension and the load audit, and the
 * last reconciliation runs with what the last one found.
 */
public final class WarehouseReport {
    private final WarehouseConnection warehouse;
    private final int stations;

    public WarehouseReport(WarehouseConnection warehouse, int stations) {
        this.warehouse = warehouse;
        this.stations = stations;
    }

    public String render() throws SQLException {
        try (Connection c = warehouse.open()) {
            StringBuilder html = new StringBuilder();
            html.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\">")
                    .append("<title>streamwarehouse report</title><style>")
                    .append("body{font-family:sans-serif;margin:2em;color:#222}")
                    .append("table{border-collapse:collapse}td,th{padding:2px 8px;")
                    .append("border-bottom:1px solid #ddd;text-align:right}")
                    .append("th:first-child,td:first-child{text-align:left}</style></head><body>")
                    .append("<h1>Busiest stations by hour</h1>");
            heatmap(c, html);
            html.append("<h1>Customer dimension</h1>");
            table(
                    c,
                    html,
                    "SELECT count(*) AS customers, count(*) FILTER (WHERE is_deleted) AS deleted,"
                            + " count(DISTINCT country) AS countries, max(loaded_at) AS last_loaded"
                            + " FROM warehouse.dim_customer");
            table(
                    c,
                    html,
                    "SELECT country, count(*) AS customers FROM warehouse.dim_customer"
                            + " WHERE NOT is_deleted GROUP BY country ORDER BY 2 DESC, 1 LIMIT 10");
            html.append("<h1>Loads</h1>");
            table(
                    c,
                    html,
                    "SELECT job_name, target_table, count(*) AS loads,"
                            + " sum(rows_inserted) AS inserted, sum(rows_updated) AS updated,"
                            + " sum(rows_deleted) AS deleted, sum(rows_skipped) AS skipped,"
                            + " date_trunc('second', max(finished_at)) AS last_load,"
                            + " date_trunc('second', now() - max(finished_at)) AS lag"
                            + " FROM audit.load_audit GROUP BY 1, 2 ORDER BY 1, 2");
            reconciliation(c, html);
            return html.append("</body></html>\n").toString();
        }
    }

    /** The last runs of ./pipeline reconcile, and what the last one found. */
    private static void reconciliation(Connection c, StringBuilder html) throws SQLException {
        html.append("<h1>Reconciliation</h1>");
        table(
                c,
                html,
                "SELECT run_id AS run, date_trunc('second', started_at) AS started,"
                        + " differences, fixed, remaining FROM audit.reconcile_run"
                        + " ORDER BY run_id DESC LIMIT 10");
        table(
                c,
                html,
                "SELECT check_name AS check, item, detail, fixed FROM audit.reconcile_difference"
                        + " WHERE run_id = (SELECT max(run_id) FROM audit.reconcile_run)"
                        + " ORDER BY 1, 2 LIMIT 200");
    }

    private void heatmap(Connection c, StringBuilder html) throws SQLException {
        String sql =
                "WITH top AS (SELECT station, linename FROM warehouse.station_window"
                        + " GROUP BY 1, 2 ORDER BY sum(entries + exits) DESC, 1, 2 LIMIT ?)"
                        + " SELECT s.station, s.linename, s.window_start, s.entries + s.exits"
                        + " FROM warehouse.station_window s JOIN top USING (station, linename)"
                        + " WHERE s.window_end - s.window_start = INTERVAL '1 hour'"
                        + " ORDER BY 3";
        Map<String, Map<LocalDateTime, Long>> cells = new LinkedHashMap<>();
        TreeSet<LocalDateTime> hours = new TreeSet<>();
        long max = 1;
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setInt(1, stations);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    String station = rs.getString(1) + " (" + rs.getString(2) + ")";
                    LocalDateTime hour = rs.getTimestamp(3).toLocalDateTime();
                    long traffic = rs.getLong(4);
                    cells.computeIfAbsent(station, k -> new LinkedHashMap<>()).put(hour, traffic);
                    hours.add(hour);
                    max = Math.max(max, traffic);
                }
            }
        }
        if (cells.isEmpty()) {
            html.append("<p>No hourly station windows yet.</p>");
            return;
        }
        List<LocalDateTime> columns = new ArrayList<>(hours);
        int cell = 6;
        int label = 260;
        int width = label + columns.size() * cell + 10;
        int height = cells.size() * 18 + 30;
        html.append("<p>Entries + exits per hour, top ")
                .append(cells.size())
                .append(" stations, ")
                .append(columns.get(0))
                .append(" to ")
                .append(columns.get(columns.size() - 1))
                .append("; darker is busier (max ")
                .append(max)
                .append(").</p>");
        html.append("<svg width=\"")
                .append(width)
                .append("\" height=\"")
                .append(height)
                .append("\" font-size=\"12\">");
        int row = 0;
        for (Map.Entry<String, Map<LocalDateTime, Long>> station : cells.entrySet()) {
            int y = 20 + row * 18;
            html.append("<text x=\"0\" y=\"")
                    .append(y + 12)
                    .append("\">")
                    .append(escape(station.getKey()))
                    .append("</text>");
            for (int col = 0; col < columns.size(); col++) {
                Long traffic = station.getValue().get(columns.get(col));
                if (traffic == null) {
                    continue;
                }
                double shade = Math.sqrt((double) traffic / max);
                html.append("<rect x=\"")
                        .append(label + col * cell)
                        .append("\" y=\"")
                        .append(y)
                        .append("\" width=\"")
                        .append(cell)
                        .append("\" height=\"16\" fill=\"rgb(")
                        .append(255 - (int) (shade * 200))
                        .append(',')
                        .append(255 - (int) (shade * 120))
                        .append(",255)\"><title>")
                        .append(escape(station.getKey()))
                        .append(' ')
                        .append(columns.get(col))
                        .append(": ")
                        .append(traffic)
                        .append("</title></rect>");
            }
            row++;
        }
        html.append("</svg>");
    }

    private static void table(Connection c, StringBuilder html, String sql) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            html.append("<table><tr>");
            for (int i = 1; i <= columns; i++) {
                html.append("<th>")
                        .append(escape(rs.getMetaData().getColumnLabel(i)))
                        .append("</th>");
            }
            html.append("</tr>");
            while (rs.next()) {
                html.append("<tr>");
                for (int i = 1; i <= columns; i++) {
                    Object value = rs.getObject(i);
                    html.append("<td>")
                            .append(escape(value == null ? "" : value.toString()))
                            .append("</td>");
                }
                html.append("</tr>");
            }
            html.append("</table><br>");
        }
    }

    static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
