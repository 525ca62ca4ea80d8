package io.streamwarehouse.local.turnstile;

import static io.streamwarehouse.local.turnstile.TurnstileAssertions.assertLoadedOnce;
import static io.streamwarehouse.local.turnstile.TurnstileAssertions.assertMatchesOracle;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.local.services.KafkaExtension;
import io.streamwarehouse.local.services.PostgresExtension;
import io.streamwarehouse.local.turnstile.WarehouseTables.Table;
import io.streamwarehouse.samples.turnstile.TurnstileWeekGenerator;
import io.streamwarehouse.turnstile.TurnstileReading;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reading later than the out-of-orderness but within {@code turnstile.allowed-lateness} is still
 * put in order and counted in its window. The test holds one reading back until the warehouse shows
 * that the watermark has passed it by more than the out-of-orderness, so without the allowed
 * lateness it would certainly be rejected as late.
 */
class TurnstileLatenessITCase {
    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
    @RegisterExtension static final SharedFlinkCluster FLINK = new SharedFlinkCluster();

    private static final TurnstileWeekGenerator WEEK = new TurnstileWeekGenerator(5L);
    private static final LocalDate DAY0 = WEEK.start();

    @TempDir Path dir;

    @Test
    void aReadingWithinTheAllowedLatenessIsCountedInItsWindow() throws Exception {
        String topic = KAFKA.newTopic("lateness");
        PipelineConfig config =
                TurnstileJobRun.config(
                        POSTGRES,
                        POSTGRES.newDatabase("lateness"),
                        KAFKA,
                        topic,
                        dir,
                        Map.of(
                                "turnstile.out-of-orderness", "1 h",
                                "turnstile.allowed-lateness", "3 h"));
        WarehouseTables warehouse = new WarehouseTables(config);

        LocalDateTime heldTime = DAY0.plusDays(1).atTime(7, 0);
        LocalDateTime until = DAY0.plusDays(1).atTime(11, 0);
        List<TurnstileReading> week =
                WEEK.readings().stream().sorted(Comparator.comparing(r -> r.readingTime)).toList();
        TurnstileReading held =
                week.stream()
                        .filter(r -> r.ca.equals("A002") && r.scp.equals("02-00-00"))
                        .filter(r -> r.readingTime.equals(heldTime))
                        .findFirst()
                        .orElseThrow();
        Corpus before = new Corpus(4096);
        Corpus after = new Corpus(4096);
        for (TurnstileReading r : week) {
            if (r != held) {
                (r.readingTime.isAfter(until) ? after : before).add(mta(r));
            }
        }
        after.add(
                mta(
                        new TurnstileReading(
                                "FLUSH",
                                "R000",
                                "00-00-00",
                                "FLUSH",
                                "X",
                                "X",
                                DAY0.plusDays(9).atStartOfDay(),
                                TurnstileReading.REGULAR,
                                0,
                                0)));

        TurnstileJobRun run = TurnstileJobRun.start(FLINK.cluster(), config, false, null);
        try (KafkaRecords kafka = new KafkaRecords(KAFKA.bootstrapServers())) {
            // Readings up to 11:00: the watermark reaches 10:00 (11:00 less the hour), and windows,
            // held back by the lateness, close up to 07:00. Seeing the 06:00 window in the
            // warehouse proves the watermark is an hour past the held 07:00 reading.
            before.publish(kafka, topic);
            run.awaitWarehouse(
                    "the 06:00 window of the second day",
                    () ->
                            warehouse.number(
                                            "SELECT count(*) FROM warehouse.station_window"
                                                    + " WHERE window_start = '"
                                                    + DAY0.plusDays(1).atTime(6, 0)
                                                    + "'")
                                    > 0);
            long heldOffset = kafka.sendText(topic, List.of(mta(held))).get(0);
            after.publish(kafka, topic);

            SortedMap<Long, String> all = new TreeMap<>(before.good());
            all.put(heldOffset, mta(held));
            all.putAll(after.good());
            SqlOracle.install(warehouse, SqlOracle.Format.MTA_CSV, config, all);
            long stationRows = warehouse.count0("expected.station_window");
            long anomalies = warehouse.count0("expected.turnstile_anomalies");
            run.awaitWarehouse(
                    "every window and anomaly",
                    () ->
                            warehouse.count(Table.STATION_WINDOW) == stationRows
                                    && warehouse.count(Table.ANOMALIES) == anomalies);
            run.awaitMoreCheckpoints(2);
            run.assertNeverFailed();
        } finally {
            run.cancel();
        }

        assertThat(warehouse.rows(Table.REJECTS)).isEmpty();
        assertMatchesOracle(warehouse, Table.STATION_WINDOW);
        assertMatchesOracle(warehouse, Table.TURNSTILE_WINDOW);
        assertMatchesOracle(warehouse, Table.ANOMALIES);
        // the held reading made two deltas of its turnstile: 03:00-07:00 and 07:00-11:00
        assertThat(
                        warehouse.strings(
                                "SELECT window_start::text FROM warehouse.turnstile_window"
                                        + " WHERE ca = 'A002' AND scp = '02-00-00'"
                                        + " AND reading_date = '"
                                        + heldTime.toLocalDate()
                                        + "' AND window_start < '"
                                        + until
                                        + "' ORDER BY 1"))
                .containsExactly(
                        heldTime.toLocalDate() + " 03:00:00", heldTime.toLocalDate() + " 07:00:00");
        assertLoadedOnce(warehouse);
    }

    private static String mta(TurnstileReading r) {
        return TurnstileWeekGenerator.mtaLine(r, false);
    }
}
