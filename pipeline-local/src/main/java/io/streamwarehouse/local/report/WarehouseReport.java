package io.streamwarehouse.local.report;

import io.streamwarehouse.warehouse.WarehouseConnection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.postgresql.util.PGInterval;

/**
 * A self-contained HTML page (inline SVG, no scripts, no external files) that shows the busiest
 * stations by hour as a heatmap over time and as an hour-of-day by day-of-week pattern, summaries
 * of the customer dimension and the load audit, and the last reconciliation runs with what the last
 * one found. Everything fits the width of a laptop screen; times are written as people write them
 * ({@code 2026-11-28 14:03:12 UTC}, lags as {@code 2 min 41 s}).
 */
public final class WarehouseReport {
    /** At most this many days of hourly windows are drawn: the most recent ones. */
    static final int TIMELINE_DAYS = 14;

    /** Width of the drawing area of the timeline; the columns share it. */
    private static final double TIMELINE_WIDTH = 672;

    private static final int STATION_LABEL_WIDTH = 230;
    private static final int ROW_HEIGHT = 18;
    private static final int LEGEND_STEPS = 5;
    private static final String NO_DATA = "#eeeeee";

    private static final Locale LOCALE = Locale.ENGLISH;
    static final DateTimeFormatter LOCAL_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", LOCALE);
    private static final DateTimeFormatter HOUR =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", LOCALE);
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("MMMM yyyy", LOCALE);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEE d", LOCALE);

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
                    .append("<meta name=\"viewport\" content=\"width=device-width\">")
                    .append("<title>streamwarehouse report</title><style>")
                    .append("body{font-family:sans-serif;margin:2em;color:#222}")
                    .append("svg{display:block;max-width:100%;height:auto;margin:.5em 0}")
                    .append("svg text{fill:#222}")
                    // wide tables scroll in their box, never the page; only free text wraps
                    .append(
                            "div.table{overflow-x:auto}table{border-collapse:collapse;font-size:.9em}")
                    .append("td,th{padding:2px 8px;white-space:nowrap;")
                    .append("border-bottom:1px solid #ddd;text-align:right}")
                    .append("table.wrap td{white-space:normal}")
                    .append("th:first-child,td:first-child{text-align:left}")
                    .append("p.note{color:#555}</style></head><body>")
                    .append("<h1>Busiest stations by hour</h1>");
            heatmaps(c, html);
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
                            + " max(finished_at) AS last_load, now() - max(finished_at) AS lag"
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
                "SELECT run_id AS run, started_at AS started,"
                        + " differences, fixed, remaining FROM audit.reconcile_run"
                        + " ORDER BY run_id DESC LIMIT 10");
        table(
                c,
                html,
                "SELECT check_name AS check, item, detail, fixed FROM audit.reconcile_difference"
                        + " WHERE run_id = (SELECT max(run_id) FROM audit.reconcile_run)"
                        + " ORDER BY 1, 2 LIMIT 200",
                true);
    }

    private void heatmaps(Connection c, StringBuilder html) throws SQLException {
        // the busiest stations first; hourly windows only (a report of 15-minute windows would
        // need a different drawing)
        String sql =
                "WITH top AS (SELECT station, linename,"
                        + " row_number() OVER (ORDER BY sum(entries + exits) DESC, station, linename) AS rank"
                        + " FROM warehouse.station_window"
                        + " WHERE window_end - window_start = INTERVAL '1 hour'"
                        + " GROUP BY 1, 2 ORDER BY 3 LIMIT ?)"
                        + " SELECT s.station, s.linename, s.window_start, s.entries + s.exits"
                        + " FROM warehouse.station_window s JOIN top USING (station, linename)"
                        + " WHERE s.window_end - s.window_start = INTERVAL '1 hour'"
                        + " ORDER BY top.rank, s.window_start";
        Map<String, Map<LocalDateTime, Long>> cells = new LinkedHashMap<>();
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setInt(1, stations);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    String station = rs.getString(1) + " (" + rs.getString(2) + ")";
                    LocalDateTime hour =
                            rs.getTimestamp(3).toLocalDateTime().truncatedTo(ChronoUnit.HOURS);
                    cells.computeIfAbsent(station, k -> new LinkedHashMap<>())
                            .merge(hour, rs.getLong(4), Long::sum);
                }
            }
        }
        if (cells.isEmpty()) {
            html.append("<p>No hourly station windows yet.</p>");
            return;
        }
        timeline(cells, html);
        weeklyPattern(cells, html);
    }

    /** One row per station, one column per hour of the last {@link #TIMELINE_DAYS} days. */
    private static void timeline(Map<String, Map<LocalDateTime, Long>> cells, StringBuilder html) {
        LocalDateTime first = null;
        LocalDateTime last = null;
        for (Map<LocalDateTime, Long> row : cells.values()) {
            for (LocalDateTime hour : row.keySet()) {
                first = first == null || hour.isBefore(first) ? hour : first;
                last = last == null || hour.isAfter(last) ? hour : last;
            }
        }
        boolean cut = false;
        LocalDateTime earliest = last.minusHours(TIMELINE_DAYS * 24L - 1);
        if (first.isBefore(earliest)) {
            first = earliest;
            cut = true;
        }
        int hours = (int) Duration.between(first, last).toHours() + 1;
        long max = 1;
        for (Map<LocalDateTime, Long> row : cells.values()) {
            for (Map.Entry<LocalDateTime, Long> cell : row.entrySet()) {
                if (!cell.getKey().isBefore(first)) {
                    max = Math.max(max, cell.getValue());
                }
            }
        }
        double cell = Math.min(24, TIMELINE_WIDTH / hours);
        int top = 48;
        int plotWidth = (int) Math.ceil(hours * cell);
        int width = STATION_LABEL_WIDTH + plotWidth + 10;
        int height = top + cells.size() * ROW_HEIGHT + 20;

        html.append("<p>Entries + exits per hour of the top ")
                .append(cells.size())
                .append(cells.size() == 1 ? " station" : " stations")
                .append(", ")
                .append(HOUR.format(first))
                .append(" to ")
                .append(HOUR.format(last.plusHours(1)))
                .append(" (the readings' local time)");
        if (cut) {
            html.append(", the last ").append(TIMELINE_DAYS).append(" days");
        }
        html.append(". Darker is busier; grey: no window.</p>");
        html.append("<svg class=\"heatmap timeline\" role=\"img\" aria-label=\"")
                .append("Entries and exits per station and hour\" width=\"")
                .append(width)
                .append("\" height=\"")
                .append(height)
                .append("\" viewBox=\"0 0 ")
                .append(width)
                .append(' ')
                .append(height)
                .append("\" font-size=\"12\">");
        // days above the columns: a line and the date at each midnight (and at the first hour)
        // above the columns: the month where it starts (and at the first column), then each day
        // with a line at its midnight
        for (int col = 0; col < hours; col++) {
            LocalDateTime hour = first.plusHours(col);
            if (col > 0 && hour.getHour() != 0) {
                continue;
            }
            double x = STATION_LABEL_WIDTH + col * cell;
            if (col == 0 || hour.getDayOfMonth() == 1 && hour.getHour() == 0) {
                html.append("<text class=\"month\" x=\"")
                        .append(number(x))
                        .append("\" y=\"12\">")
                        .append(MONTH.format(hour))
                        .append("</text>");
            }
            html.append("<text class=\"day\" x=\"")
                    .append(number(x))
                    .append("\" y=\"28\">")
                    .append(DAY.format(hour))
                    .append("</text>");
            if (col > 0) {
                html.append("<line x1=\"")
                        .append(number(x))
                        .append("\" x2=\"")
                        .append(number(x))
                        .append("\" y1=\"32\" y2=\"")
                        .append(top + cells.size() * ROW_HEIGHT)
                        .append("\" stroke=\"#888\" stroke-width=\"1\"/>");
            }
        }
        // hours below the columns, as many as there is room for
        int step = 1;
        for (int candidate : new int[] {1, 2, 3, 6, 12}) {
            step = candidate;
            if (candidate * cell >= 22) {
                break;
            }
        }
        int bottom = top + cells.size() * ROW_HEIGHT;
        for (int col = 0; col < hours; col++) {
            LocalDateTime hour = first.plusHours(col);
            if (hour.getHour() % step == 0) {
                double x = STATION_LABEL_WIDTH + col * cell;
                html.append("<text class=\"hour\" x=\"")
                        .append(number(x))
                        .append("\" y=\"")
                        .append(bottom + 14)
                        .append("\" font-size=\"10\">")
                        .append(String.format(LOCALE, "%02d", hour.getHour()))
                        .append("</text>");
            }
        }
        html.append("<text x=\"0\" y=\"")
                .append(top - 4)
                .append("\" font-size=\"10\">station (lines)</text>");
        int row = 0;
        for (Map.Entry<String, Map<LocalDateTime, Long>> station : cells.entrySet()) {
            int y = top + row * ROW_HEIGHT;
            html.append("<text class=\"station\" x=\"0\" y=\"")
                    .append(y + 12)
                    .append("\">")
                    .append(escape(station.getKey()))
                    .append("</text>");
            html.append("<rect x=\"")
                    .append(STATION_LABEL_WIDTH)
                    .append("\" y=\"")
                    .append(y)
                    .append("\" width=\"")
                    .append(number(hours * cell))
                    .append("\" height=\"16\" fill=\"")
                    .append(NO_DATA)
                    .append("\"/>");
            for (int col = 0; col < hours; col++) {
                LocalDateTime hour = first.plusHours(col);
                Long traffic = station.getValue().get(hour);
                if (traffic == null) {
                    continue;
                }
                html.append("<rect x=\"")
                        .append(number(STATION_LABEL_WIDTH + col * cell))
                        .append("\" y=\"")
                        .append(y)
                        .append("\" width=\"")
                        .append(number(cell))
                        .append("\" height=\"16\" fill=\"")
                        .append(colour(traffic, max))
                        .append("\"><title>")
                        .append(escape(station.getKey()))
                        .append(' ')
                        .append(HOUR.format(hour))
                        .append(": ")
                        .append(String.format(LOCALE, "%,d", traffic))
                        .append("</title></rect>");
            }
            row++;
        }
        html.append("</svg>");
        legend(html, max, "entries + exits per hour and station");
    }

    /**
     * The same stations together, hour of day by day of week: the average of each weekday's hour
     * over the days the windows cover.
     */
    private static void weeklyPattern(
            Map<String, Map<LocalDateTime, Long>> cells, StringBuilder html) {
        TreeMap<LocalDate, long[]> days = new TreeMap<>();
        Map<LocalDate, boolean[]> seen = new TreeMap<>();
        for (Map<LocalDateTime, Long> row : cells.values()) {
            for (Map.Entry<LocalDateTime, Long> cell : row.entrySet()) {
                LocalDate day = cell.getKey().toLocalDate();
                int hour = cell.getKey().getHour();
                days.computeIfAbsent(day, d -> new long[24])[hour] += cell.getValue();
                seen.computeIfAbsent(day, d -> new boolean[24])[hour] = true;
            }
        }
        long[][] sum = new long[7][24];
        int[][] count = new int[7][24];
        for (Map.Entry<LocalDate, long[]> day : days.entrySet()) {
            int weekday = day.getKey().getDayOfWeek().getValue() - 1;
            boolean[] hours = seen.get(day.getKey());
            for (int h = 0; h < 24; h++) {
                if (hours[h]) {
                    sum[weekday][h] += day.getValue()[h];
                    count[weekday][h]++;
                }
            }
        }
        long max = 1;
        for (int d = 0; d < 7; d++) {
            for (int h = 0; h < 24; h++) {
                if (count[d][h] > 0) {
                    max = Math.max(max, Math.round((double) sum[d][h] / count[d][h]));
                }
            }
        }
        int label = 48;
        int cell = 26;
        int top = 20;
        int width = label + 24 * cell + 10;
        int height = top + 7 * ROW_HEIGHT + 20;
        html.append("<h2>Hour of day by day of week</h2><p>The same ")
                .append(cells.size())
                .append(cells.size() == 1 ? " station" : " stations")
                .append(" together: entries + exits in each hour of each weekday, averaged over ")
                .append(days.size())
                .append(days.size() == 1 ? " day" : " days")
                .append(" (")
                .append(days.firstKey())
                .append(" to ")
                .append(days.lastKey())
                .append(").</p>");
        html.append("<svg class=\"heatmap weekly\" role=\"img\" aria-label=\"")
                .append("Entries and exits by hour of day and day of week\" width=\"")
                .append(width)
                .append("\" height=\"")
                .append(height)
                .append("\" viewBox=\"0 0 ")
                .append(width)
                .append(' ')
                .append(height)
                .append("\" font-size=\"12\">");
        for (int h = 0; h < 24; h++) {
            html.append("<text class=\"hour\" x=\"")
                    .append(label + h * cell + cell / 2)
                    .append("\" y=\"14\" font-size=\"10\" text-anchor=\"middle\">")
                    .append(String.format(LOCALE, "%02d", h))
                    .append("</text>");
        }
        for (int d = 0; d < 7; d++) {
            int y = top + d * ROW_HEIGHT;
            String weekday = DayOfWeek.of(d + 1).getDisplayName(TextStyle.SHORT, LOCALE);
            html.append("<text class=\"day\" x=\"0\" y=\"")
                    .append(y + 12)
                    .append("\">")
                    .append(weekday)
                    .append("</text>");
            for (int h = 0; h < 24; h++) {
                html.append("<rect x=\"")
                        .append(label + h * cell)
                        .append("\" y=\"")
                        .append(y)
                        .append("\" width=\"")
                        .append(cell - 1)
                        .append("\" height=\"16\" fill=\"");
                if (count[d][h] == 0) {
                    html.append(NO_DATA).append("\"/>");
                    continue;
                }
                long average = Math.round((double) sum[d][h] / count[d][h]);
                html.append(colour(average, max))
                        .append("\"><title>")
                        .append(weekday)
                        .append(String.format(LOCALE, " %02d:00-%02d:00: %,d", h, h + 1, average))
                        .append("</title></rect>");
            }
        }
        html.append("<text x=\"")
                .append(label)
                .append("\" y=\"")
                .append(top + 7 * ROW_HEIGHT + 14)
                .append("\" font-size=\"10\">hour of day (the readings' local time)</text>");
        html.append("</svg>");
        legend(html, max, "entries + exits per hour, all these stations");
    }

    /** Colour steps from none to the maximum, each with the value it starts at. */
    private static void legend(StringBuilder html, long max, String what) {
        int swatch = 56;
        int left = 0;
        int width = (LEGEND_STEPS + 2) * swatch + 10;
        html.append("<svg class=\"legend\" role=\"img\" aria-label=\"Legend: ")
                .append(escape(what))
                .append("\" width=\"")
                .append(width)
                .append("\" height=\"46\" viewBox=\"0 0 ")
                .append(width)
                .append(" 46\" font-size=\"11\">")
                .append("<text x=\"0\" y=\"11\">Legend: ")
                .append(escape(what))
                .append("</text>");
        for (int k = 0; k <= LEGEND_STEPS; k++) {
            // shades are proportional to the square root, so step k starts at max * (k/N)^2
            long value = Math.round(max * Math.pow((double) k / LEGEND_STEPS, 2));
            int x = left + k * swatch;
            html.append("<rect x=\"")
                    .append(x)
                    .append("\" y=\"16\" width=\"")
                    .append(swatch - 2)
                    .append("\" height=\"12\" fill=\"")
                    .append(colour(value, max))
                    .append("\" stroke=\"#bbb\"/><text x=\"")
                    .append(x)
                    .append("\" y=\"41\">")
                    .append(String.format(LOCALE, "%,d", value))
                    .append("</text>");
        }
        int x = left + (LEGEND_STEPS + 1) * swatch;
        html.append("<rect x=\"")
                .append(x)
                .append("\" y=\"16\" width=\"")
                .append(swatch - 2)
                .append("\" height=\"12\" fill=\"")
                .append(NO_DATA)
                .append("\" stroke=\"#bbb\"/><text x=\"")
                .append(x)
                .append("\" y=\"41\">no data</text></svg>");
    }

    /** White to blue; the square root keeps quiet hours visible beside the rush hours. */
    private static String colour(long traffic, long max) {
        double shade = Math.sqrt(Math.max(0, Math.min(1, (double) traffic / max)));
        return "rgb(" + (255 - (int) (shade * 200)) + ',' + (255 - (int) (shade * 120)) + ",255)";
    }

    private static String number(double value) {
        return value == Math.rint(value)
                ? Long.toString((long) value)
                : String.format(LOCALE, "%.2f", value);
    }

    private static void table(Connection c, StringBuilder html, String sql) throws SQLException {
        table(c, html, sql, false);
    }

    private static void table(Connection c, StringBuilder html, String sql, boolean wrap)
            throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            int columns = meta.getColumnCount();
            html.append(
                    wrap
                            ? "<div class=\"table\"><table class=\"wrap\"><tr>"
                            : "<div class=\"table\"><table><tr>");
            for (int i = 1; i <= columns; i++) {
                html.append("<th>").append(escape(meta.getColumnLabel(i))).append("</th>");
            }
            html.append("</tr>");
            while (rs.next()) {
                html.append("<tr>");
                for (int i = 1; i <= columns; i++) {
                    html.append("<td>").append(escape(cell(rs, i, meta))).append("</td>");
                }
                html.append("</tr>");
            }
            html.append("</table></div><br>");
        }
    }

    /** A value as people write it: times to the second, with their zone; durations in units. */
    private static String cell(ResultSet rs, int column, ResultSetMetaData meta)
            throws SQLException {
        String type = meta.getColumnTypeName(column);
        if (type.equals("timestamptz")) {
            OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
            return time == null ? "" : utc(time);
        }
        if (type.equals("timestamp")) {
            Timestamp time = rs.getTimestamp(column);
            return time == null ? "" : LOCAL_TIME.format(time.toLocalDateTime());
        }
        Object value = rs.getObject(column);
        if (value instanceof PGInterval interval) {
            return duration(seconds(interval));
        }
        return value == null ? "" : value.toString();
    }

    static String utc(OffsetDateTime time) {
        return LOCAL_TIME.format(time.withOffsetSameInstant(ZoneOffset.UTC)) + " UTC";
    }

    private static long seconds(PGInterval interval) {
        // months as 30 days, as PostgreSQL's own extract(epoch ...) counts them
        long days = (interval.getYears() * 12L + interval.getMonths()) * 30L + interval.getDays();
        double seconds =
                ((days * 24 + interval.getHours()) * 60 + interval.getMinutes()) * 60.0
                        + interval.getSeconds();
        return (long) Math.floor(seconds);
    }

    /**
     * A duration in its two largest units: {@code 0 s}, {@code 41 s}, {@code 2 min 41 s}, {@code 3
     * h 5 min}, {@code 2 d 4 h}.
     */
    static String duration(long seconds) {
        if (seconds < 0) {
            return "-" + duration(-seconds);
        }
        long[] sizes = {86_400, 3_600, 60, 1};
        String[] units = {"d", "h", "min", "s"};
        List<String> parts = new ArrayList<>();
        long rest = seconds;
        for (int i = 0; i < sizes.length; i++) {
            long amount = rest / sizes[i];
            rest %= sizes[i];
            if (amount > 0 || (!parts.isEmpty() && parts.size() < 2)) {
                parts.add(amount + " " + units[i]);
            }
            if (parts.size() == 2) {
                break;
            }
        }
        if (parts.isEmpty()) {
            return "0 s";
        }
        // "2 min 0 s" reads as "2 min"
        if (parts.size() == 2 && parts.get(1).startsWith("0 ")) {
            parts.remove(1);
        }
        return String.join(" ", parts);
    }

    static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
