package io.streamwarehouse.local.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwarehouse.local.services.PostgresExtension;
import io.streamwarehouse.warehouse.Migrations;
import io.streamwarehouse.warehouse.WarehouseConnection;
import java.awt.image.BufferedImage;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The report drawn from a warehouse whose contents the test knows. */
class WarehouseReportITCase {
    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    @Test
    void drawsTheBusiestStationsAndSummaries() throws Exception {
        WarehouseConnection warehouse = newWarehouse();
        try (Connection c = warehouse.open()) {
            c.createStatement()
                    .execute(
                            "INSERT INTO warehouse.station_window VALUES"
                                    + " ('2023-05-27 08:00', '2023-05-27 09:00', 'TIMES SQ-42 ST', '1237ACENQRSW', 900, 700, 40, 20, now()),"
                                    + " ('2023-05-27 09:00', '2023-05-27 10:00', 'TIMES SQ-42 ST', '1237ACENQRSW', 1200, 800, 40, 20, now()),"
                                    + " ('2023-05-27 08:00', '2023-05-27 09:00', '23 ST', '6', 300, 100, 10, 5, now()),"
                                    + " ('2023-05-27 08:00', '2023-05-27 09:00', 'BEACH 98 ST', 'S', 1, 1, 2, 1, now())");
            c.createStatement()
                    .execute(
                            "INSERT INTO warehouse.dim_customer (customer_id, first_name, country,"
                                    + " is_deleted, source_version) VALUES (1, 'MARY', 'Japan', false, 1),"
                                    + " (2, 'PATRICIA', 'Japan', false, 2), (3, 'LINDA', 'Chile', true, 3)");
            c.createStatement()
                    .execute(
                            "INSERT INTO audit.load_audit (job_name, job_id, target_table,"
                                    + " checkpoint_id, subtask, rows_inserted, started_at) VALUES"
                                    + " ('customer-dimension', 'j1', 'warehouse.dim_customer', 7, 0, 3, now())");
            c.createStatement()
                    .execute(
                            "INSERT INTO audit.load_audit (job_name, job_id, target_table,"
                                    + " checkpoint_id, subtask, rows_inserted, started_at, finished_at)"
                                    + " VALUES ('turnstile-aggregates', 'j2', 'warehouse.station_window',"
                                    + " 3, 0, 5, now() - INTERVAL '3 min', now() - INTERVAL '2 min 41 s')");
        }

        String html = new WarehouseReport(warehouse, 2).render();

        assertThat(html)
                .startsWith("<!DOCTYPE html>")
                .contains("<svg")
                .contains("TIMES SQ-42 ST (1237ACENQRSW) 2023-05-27 09:00: 2,000")
                .contains("23 ST (6)")
                .doesNotContain("BEACH 98 ST")
                .contains("<td>Japan</td><td>2</td>")
                .contains(
                        "<td>customer-dimension</td><td>warehouse.dim_customer</td><td>1</td><td>3</td>")
                .doesNotContain("<script")
                .doesNotContain("http://", "https://");
        // the time axis: month and day above the first column, the hours below theirs
        assertThat(html)
                .contains(">May 2023</text>")
                .contains(">Sat 27</text>")
                .contains(">08</text>")
                .contains(">09</text>")
                .contains("Legend: entries + exits per hour and station");
        // hour of day by day of week: 27 May 2023 was a Saturday
        assertThat(html)
                .contains("<h2>Hour of day by day of week</h2>")
                .contains(">Mon</text>")
                .contains(">Sun</text>")
                .contains("<title>Sat 09:00-10:00: 2,000</title>")
                .contains("<title>Sat 08:00-09:00: 2,000</title>");
        // times to the second in UTC, lags in units
        assertThat(html)
                .containsPattern(
                        "<td>customer-dimension</td><td>warehouse.dim_customer</td>"
                                + "<td>1</td><td>3</td><td>0</td><td>0</td><td>0</td>"
                                + "<td>\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC</td>"
                                + "<td>\\d+ s</td></tr>")
                .containsPattern(
                        "<td>turnstile-aggregates</td><td>warehouse.station_window</td>"
                                + "<td>1</td><td>5</td>.*<td>2 min 4\\d s</td></tr>")
                .doesNotContain("mons", "years", "secs");
    }

    @Test
    void durationsReadAsPeopleWriteThem() {
        assertThat(WarehouseReport.duration(0)).isEqualTo("0 s");
        assertThat(WarehouseReport.duration(41)).isEqualTo("41 s");
        assertThat(WarehouseReport.duration(161)).isEqualTo("2 min 41 s");
        assertThat(WarehouseReport.duration(120)).isEqualTo("2 min");
        assertThat(WarehouseReport.duration(3 * 3600 + 5 * 60 + 9)).isEqualTo("3 h 5 min");
        assertThat(WarehouseReport.duration(2 * 86_400 + 4 * 3600)).isEqualTo("2 d 4 h");
        assertThat(WarehouseReport.duration(-3)).isEqualTo("-3 s");
        assertThat(
                        WarehouseReport.utc(
                                java.time.OffsetDateTime.parse("2026-11-28T15:03:12.345678+01:00")))
                .isEqualTo("2026-11-28 14:03:12 UTC");
    }

    /**
     * Two weeks of twenty stations, as a person sees them: the page rendered by headless Chromium
     * fits a 1024 px wide window, has its axes and legends, and the screenshot shows the heatmap.
     */
    @Test
    void rendersInABrowser() throws Exception {
        WarehouseConnection warehouse = newWarehouse();
        try (Connection c = warehouse.open()) {
            // a morning and an evening peak on weekdays, a flatter weekend
            c.createStatement()
                    .execute(
                            "INSERT INTO warehouse.station_window"
                                    + " SELECT h, h + INTERVAL '1 hour', 'STATION ' || s, 'ABC', e, e / 2, 4, 2, now()"
                                    + " FROM generate_series(timestamp '2023-05-15 00:00',"
                                    + " timestamp '2023-05-28 23:00', INTERVAL '1 hour') AS h,"
                                    + " generate_series(1, 25) AS s,"
                                    + " LATERAL (SELECT (20 * s + 60 * (CASE WHEN extract(isodow FROM h) < 6"
                                    + " THEN 10 * exp(-((extract(hour FROM h) - 8) ^ 2) / 4)"
                                    + " + 8 * exp(-((extract(hour FROM h) - 18) ^ 2) / 4) ELSE 2 END))::bigint"
                                    + " AS e) AS traffic");
            c.createStatement()
                    .execute(
                            "INSERT INTO audit.load_audit (job_name, job_id, target_table,"
                                    + " checkpoint_id, subtask, rows_inserted, started_at) VALUES"
                                    + " ('turnstile-aggregates', 'j1', 'warehouse.station_window', 7, 0, 3, now())");
        }
        String html = new WarehouseReport(warehouse, 20).render();

        HeadlessChromium.Page page = HeadlessChromium.find().render(html, 1024, 1400, "report");

        // the page as the browser built it: axes, legends, and nothing wider than the window
        String dom = page.dom();
        assertThat(
                        List.of(
                                "<svg class=\"heatmap timeline\"",
                                ">May 2023</text>",
                                ">Mon 15</text>",
                                ">Tue 16</text>",
                                ">Sun 28</text>",
                                ">00</text>",
                                ">12</text>",
                                "Legend: entries + exits per hour and station",
                                "<svg class=\"heatmap weekly\"",
                                ">Wed</text>",
                                ">07</text>",
                                "hour of day (the readings' local time)",
                                "Legend: entries + exits per hour, all these stations",
                                "<td>turnstile-aggregates</td>"))
                .as("labels missing from the page the browser rendered (%s)", page.screenshot())
                .filteredOn(label -> !dom.contains(label))
                .isEmpty();
        assertThat(page.scrollWidth())
                .as("page width in a 1024 px window (no sideways scrolling)")
                .isLessThanOrEqualTo(page.clientWidth());

        // the picture: a real image, mostly page, with many shades of the heatmap's blue
        BufferedImage image = ImageIO.read(page.screenshot().toFile());
        assertThat(page.screenshot()).isRegularFile();
        assertThat(page.screenshot().toFile().length()).isGreaterThan(20_000);
        assertThat(image.getWidth()).isEqualTo(1024);
        Set<Integer> colours = new HashSet<>();
        Set<Integer> blues = new HashSet<>();
        long bluePixels = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                colours.add(rgb);
                int r = rgb >> 16 & 0xff;
                int g = rgb >> 8 & 0xff;
                int b = rgb & 0xff;
                if (b > 240 && r < 215 && g > r) {
                    bluePixels++;
                    blues.add(rgb);
                }
            }
        }
        assertThat(colours).as("distinct colours in the screenshot").hasSizeGreaterThan(50);
        assertThat(blues).as("shades of the heatmap").hasSizeGreaterThan(20);
        // 20 stations x 336 hours of the timeline and 7 x 24 cells of the weekly view
        assertThat(bluePixels).as("heatmap pixels").isGreaterThan(100_000);
    }

    private static WarehouseConnection newWarehouse() throws Exception {
        String db = POSTGRES.newDatabase("report");
        WarehouseConnection warehouse =
                new WarehouseConnection(
                        POSTGRES.jdbcUrl(db),
                        POSTGRES.service().username(),
                        POSTGRES.service().password(),
                        Duration.ofSeconds(5));
        Migrations.apply(warehouse);
        return warehouse;
    }
}
