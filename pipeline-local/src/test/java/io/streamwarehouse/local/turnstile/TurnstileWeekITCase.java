package io.streamwarehouse.local.turnstile;

import static io.streamwarehouse.local.turnstile.TurnstileAssertions.assertLoadedOnce;
import static io.streamwarehouse.local.turnstile.TurnstileAssertions.assertMatchesOracle;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.local.replay.WeeklyFiles;
import io.streamwarehouse.local.replay.WeeklyFiles.Line;
import io.streamwarehouse.local.services.KafkaExtension;
import io.streamwarehouse.local.services.PostgresExtension;
import io.streamwarehouse.local.turnstile.WarehouseTables.Table;
import io.streamwarehouse.samples.turnstile.TurnstileWeekGenerator;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A week built by {@link TurnstileWeekGenerator} (registers counting backwards and down from near
 * 2^31, a reset, a jump of millions, a 28-hour gap, REGULAR + RECOVR AUD at the same time,
 * off-hour, 15-minute and 4 h 12 min schedules, station names only unique with LINENAME), written
 * as a gzipped MTA text file, read back by the replay's {@link WeeklyFiles}, given some
 * out-of-order arrival and redeliveries, and published to Kafka. The job's windows must equal, row
 * for row, what {@link SqlOracle} computes from the same records under the documented rules.
 */
class TurnstileWeekITCase {
    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
    @RegisterExtension static final SharedFlinkCluster FLINK = new SharedFlinkCluster();

    private static final TurnstileWeekGenerator WEEK =
            new TurnstileWeekGenerator(20230527L).mtaTextStyle(true);
    private static final LocalDate DAY0 = WEEK.start();

    @TempDir static Path dir;

    private static String topic;

    /** Offset to record value, as published. */
    private static final SortedMap<Long, String> PUBLISHED = new TreeMap<>();

    @BeforeAll
    static void publishWeek() throws Exception {
        Path file = dir.resolve("turnstile_230527.txt.gz");
        WEEK.writeWeeklyFile(file);
        List<Line> lines = new ArrayList<>(WeeklyFiles.read(List.of(file)));
        disorder(lines);
        topic = KAFKA.newTopic("week");
        try (KafkaRecords kafka = new KafkaRecords(KAFKA.bootstrapServers())) {
            List<String> values = lines.stream().map(Line::value).toList();
            List<Long> offsets = kafka.sendText(topic, values);
            for (int i = 0; i < values.size(); i++) {
                PUBLISHED.put(offsets.get(i), values.get(i));
            }
        }
    }

    /**
     * Arrival that is not reading-time order, within the 4 h out-of-orderness the job is configured
     * for: a reading arriving after its turnstile's next one, a 15-minute booth's readings swapped
     * and one overtaken by six later ones, the RECOVR AUD reading ahead of its REGULAR twin, a
     * Kafka redelivery two hours on, and a second REGULAR reading at an already reported time with
     * other values (the first to arrive must win).
     */
    private static void disorder(List<Line> lines) {
        // A002 02-00-00 reads at 03/07/11...: its 07:00 arrives right after its own 11:00
        moveAfter(
                lines,
                reading("A002,R051,02-00-00,", DAY0.plusDays(1).atTime(7, 0), "REGULAR"),
                reading("A002,R051,02-00-00,", DAY0.plusDays(1).atTime(11, 0), "REGULAR"));
        // the 15-minute booth: 08:15 before 08:00, and 09:00 after 10:30
        moveAfter(
                lines,
                reading("C009,R057,03-00-00,", DAY0.plusDays(2).atTime(8, 0), "REGULAR"),
                reading("C009,R057,03-00-00,", DAY0.plusDays(2).atTime(8, 15), "REGULAR"));
        moveAfter(
                lines,
                reading("C009,R057,03-00-00,", DAY0.plusDays(2).atTime(9, 0), "REGULAR"),
                reading("C009,R057,03-00-00,", DAY0.plusDays(2).atTime(10, 30), "REGULAR"));
        // the audit reading first, then the regular one at the same time
        moveAfter(
                lines,
                reading("N306,R017,00-00-00,", DAY0.atTime(15, 0), "REGULAR"),
                reading("N306,R017,00-00-00,", DAY0.atTime(15, 0), "RECOVR AUD"));
        // a redelivery of the tram's 05:00 reading, two hours of readings later
        Line tram =
                lines.get(
                        indexOf(
                                lines,
                                reading(
                                        "TRAM2,R469,00-05-01,",
                                        DAY0.plusDays(3).atTime(5, 0),
                                        "REGULAR")));
        insertAfterTime(lines, tram, DAY0.plusDays(3).atTime(7, 0));
        // a conflicting REGULAR reading for 23 ST (NRW) at 13:00, 500 more exits, an hour late
        Line first =
                lines.get(
                        indexOf(
                                lines,
                                reading(
                                        "A030,R083,01-00-00,",
                                        DAY0.plusDays(4).atTime(13, 0),
                                        "REGULAR")));
        String[] f = first.value().split(",", -1);
        f[10] = String.format("%010d", Long.parseLong(f[10].strip()) + 500);
        Line conflicting = new Line(first.key(), String.join(",", f), first.readingTime());
        insertAfterTime(lines, conflicting, DAY0.plusDays(4).atTime(14, 0));
    }

    private static Predicate<Line> reading(String turnstile, LocalDateTime time, String desc) {
        return line ->
                line.value().startsWith(turnstile)
                        && time.equals(line.readingTime())
                        && line.value().contains("," + desc + ",");
    }

    private static int indexOf(List<Line> lines, Predicate<Line> which) {
        for (int i = 0; i < lines.size(); i++) {
            if (which.test(lines.get(i))) {
                return i;
            }
        }
        throw new IllegalStateException("the generated week has no such reading");
    }

    private static void moveAfter(List<Line> lines, Predicate<Line> moved, Predicate<Line> anchor) {
        Line line = lines.remove(indexOf(lines, moved));
        lines.add(indexOf(lines, anchor) + 1, line);
    }

    /** Inserts the line after the last one read at or before {@code time}. */
    private static void insertAfterTime(List<Line> lines, Line line, LocalDateTime time) {
        int at = 0;
        for (int i = 0; i < lines.size(); i++) {
            LocalDateTime t = lines.get(i).readingTime();
            if (t != null && !t.isAfter(time)) {
                at = i + 1;
            }
        }
        lines.add(at, line);
    }

    private PipelineConfig configFor(String name, Map<String, String> settings) {
        return TurnstileJobRun.config(
                POSTGRES, POSTGRES.newDatabase(name), KAFKA, topic, dir.resolve(name), settings);
    }

    @Test
    void hourlyWindowsAndAnomaliesEqualPlainSqlOverTheSameRecords() throws Exception {
        PipelineConfig config = configFor("week_hourly", Map.of());
        WarehouseTables warehouse = new WarehouseTables(config);
        SqlOracle.install(warehouse, SqlOracle.Format.MTA_CSV, config, PUBLISHED);

        // The input really is out of order, and the oracle sees the planted events: otherwise
        // agreement would prove less than it seems.
        assertThat(
                        warehouse.strings(
                                "SELECT DISTINCT a.ca FROM expected.reading a"
                                        + " JOIN expected.reading b USING (ca, unit, scp, station)"
                                        + " WHERE a.kafka_offset < b.kafka_offset"
                                        + " AND a.reading_time > b.reading_time ORDER BY 1"))
                .as("turnstiles with a reading that arrived before an earlier one")
                .containsExactly("A002", "C009");
        assertThat(
                        warehouse.strings(
                                "SELECT ca || ' ' || reading_time || ' ' || counter || ' ' || kind"
                                        + " FROM expected.turnstile_anomalies ORDER BY 1"))
                .containsExactly(
                        "A002 " + DAY0.plusDays(3) + " 07:00:00 ENTRIES gap",
                        "A002 " + DAY0.plusDays(3) + " 07:00:00 EXITS gap",
                        "N306 " + DAY0.plusDays(4) + " 11:00:00 ENTRIES anomaly",
                        "N306 " + DAY0.plusDays(4) + " 11:00:00 EXITS anomaly",
                        "R245A " + DAY0.plusDays(6) + " 23:00:00 ENTRIES anomaly",
                        "R245A " + DAY0.plusDays(6) + " 23:00:00 EXITS anomaly");

        TurnstileJobRun.runToEnd(FLINK.cluster(), config);

        assertMatchesOracle(warehouse, Table.STATION_WINDOW);
        assertMatchesOracle(warehouse, Table.TURNSTILE_WINDOW);
        assertMatchesOracle(warehouse, Table.ANOMALIES);
        assertThat(warehouse.count(Table.REJECTS)).isZero();
        // the two 59 ST and the two 23 ST stations stay apart by LINENAME
        assertThat(
                        warehouse.strings(
                                "SELECT DISTINCT station || ' ' || linename FROM warehouse.station_window"
                                        + " WHERE station IN ('59 ST', '23 ST') ORDER BY 1"))
                .containsExactly("23 ST 6", "23 ST NRW", "59 ST 456NQRW", "59 ST NQR456W");
        // REGULAR won over the RECOVR AUD reading that arrived first
        assertThat(
                        warehouse.strings(
                                "SELECT description FROM warehouse.turnstile_window"
                                        + " WHERE ca = 'N306' AND window_start = '"
                                        + DAY0.atTime(15, 0)
                                        + "'"))
                .containsExactly("REGULAR");
        assertLoadedOnce(warehouse);
    }

    @Test
    void quarterHourWindows() throws Exception {
        PipelineConfig config = configFor("week_15min", Map.of("turnstile.window", "15 min"));
        WarehouseTables warehouse = new WarehouseTables(config);
        SqlOracle.install(warehouse, SqlOracle.Format.MTA_CSV, config, PUBLISHED);

        TurnstileJobRun.runToEnd(FLINK.cluster(), config);

        assertMatchesOracle(warehouse, Table.STATION_WINDOW);
        assertMatchesOracle(warehouse, Table.TURNSTILE_WINDOW);
        assertThat(
                        warehouse.strings(
                                "SELECT DISTINCT (window_end - window_start)::text"
                                        + " FROM warehouse.station_window"))
                .containsExactly("00:15:00");
        // the 15-minute booth reports into nearly every quarter hour of the week
        assertThat(
                        warehouse.number(
                                "SELECT count(*) FROM warehouse.station_window"
                                        + " WHERE station = 'ATL AV-BARCLAY'"))
                .isGreaterThan(600);
        assertLoadedOnce(warehouse);
    }

    @Test
    void hoppingWindowsOfFourHoursEveryHour() throws Exception {
        PipelineConfig config =
                configFor(
                        "week_hop",
                        Map.of("turnstile.window", "4 h", "turnstile.hop-slide", "1 h"));
        WarehouseTables warehouse = new WarehouseTables(config);
        SqlOracle.install(warehouse, SqlOracle.Format.MTA_CSV, config, PUBLISHED);

        TurnstileJobRun.runToEnd(FLINK.cluster(), config);

        assertMatchesOracle(warehouse, Table.STATION_WINDOW);
        assertMatchesOracle(warehouse, Table.TURNSTILE_WINDOW);
        // every delta is in four windows, so the week's entries are counted four times over
        assertThat(warehouse.number("SELECT sum(entries) FROM warehouse.station_window"))
                .isEqualTo(4 * warehouse.number("SELECT sum(entries) FROM expected.delta"));
        assertThat(
                        warehouse.strings(
                                "SELECT DISTINCT (window_end - window_start)::text"
                                        + " || ' from minute ' || extract(minute FROM window_start)"
                                        + " FROM warehouse.station_window"))
                .containsExactly("04:00:00 from minute 0");
        assertLoadedOnce(warehouse);
    }
}
