package io.streamwarehouse.local.turnstile;

import static io.streamwarehouse.local.turnstile.KafkaRecords.utf8;
import static io.streamwarehouse.local.turnstile.TurnstileAssertions.assertLoadedOnce;
import static io.streamwarehouse.local.turnstile.TurnstileAssertions.assertMatchesOracle;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.local.services.KafkaExtension;
import io.streamwarehouse.local.services.PostgresExtension;
import io.streamwarehouse.local.turnstile.Corpus.Broken;
import io.streamwarehouse.local.turnstile.WarehouseTables.Table;
import io.streamwarehouse.samples.turnstile.TurnstileWeekGenerator;
import io.streamwarehouse.turnstile.TurnstileReading;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.apache.flink.api.common.JobStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input never stops the job and never goes missing: a corpus of broken MTA records among two
 * days of good readings ends with every broken record in {@code warehouse.turnstile_rejects}
 * (reason, Kafka coordinates, payload byte for byte) and every good reading counted; a reading that
 * arrives after the watermark has passed it is rejected as {@code late} and changes no window.
 */
class TurnstileRejectsITCase {
    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
    @RegisterExtension static final SharedFlinkCluster FLINK = new SharedFlinkCluster();

    private static final TurnstileWeekGenerator WEEK = new TurnstileWeekGenerator(11L);
    private static final LocalDate DAY0 = WEEK.start();
    private static final int MAX_RECORD_BYTES = 4096;

    @TempDir Path dir;

    private static String mta(TurnstileReading r) {
        return TurnstileWeekGenerator.mtaLine(r, false);
    }

    private static Broken<TurnstileReading> broken(int field, String value, String reason) {
        return new Broken<>(
                r -> {
                    String[] fields = mta(Corpus.minuteLater(r)).split(",", -1);
                    fields[field] = value;
                    return utf8(String.join(",", fields));
                },
                reason);
    }

    private static Broken<TurnstileReading> fixed(byte[] value, String reason) {
        return new Broken<>(r -> value, reason);
    }

    private static Broken<TurnstileReading> line(Function<String, String> change, String reason) {
        return new Broken<>(r -> utf8(change.apply(mta(Corpus.minuteLater(r)))), reason);
    }

    /** Broken MTA records and the reason each must be rejected with. */
    static List<Broken<TurnstileReading>> brokenMtaRecords() {
        List<Broken<TurnstileReading>> bad = new ArrayList<>();
        bad.add(fixed(new byte[0], "empty"));
        bad.add(fixed(utf8(" \t  \r\n"), "empty"));
        bad.add(fixed(utf8(TurnstileWeekGenerator.HEADER), "header"));
        bad.add(line(l -> l.substring(0, l.lastIndexOf(',')), "field_count"));
        bad.add(line(l -> l + ",extra,fields", "field_count"));
        // JSON on a CSV topic: its quotes open no CSV field
        bad.add(fixed(utf8("{\"ca\": \"A002\", \"unit\": \"R051\"}"), "bad_quoting"));
        bad.add(fixed(utf8("A002,R051,02-00-00"), "field_count"));
        bad.add(line(l -> l.replace(',', ';'), "field_count"));
        bad.add(broken(3, "\"59 ST", "bad_quoting"));
        bad.add(broken(3, "59 \"ST\"", "bad_quoting"));
        bad.add(broken(9, "74I4835", "bad_number"));
        bad.add(broken(10, "2526.5", "bad_number"));
        bad.add(broken(9, "99999999999999999999", "bad_number"));
        bad.add(broken(10, "-17", "negative_counter"));
        bad.add(broken(6, "13/45/2023", "bad_date"));
        bad.add(broken(6, "2023-05-27", "bad_date"));
        bad.add(broken(6, "02/30/2023", "bad_date"));
        bad.add(broken(6, "05/27/+2023", "bad_date"));
        bad.add(broken(6, "05/27/23", "bad_date"));
        bad.add(broken(6, "05/27/20233", "bad_date"));
        bad.add(broken(6, "05/27/999999999", "bad_date"));
        // valid dates no turnstile ever reported; the first, let through, would carry the
        // watermark to the year 9999 and make every reading after it late
        bad.add(broken(6, "12/31/9999", "implausible_time"));
        bad.add(broken(6, "12/31/1999", "implausible_time"));
        bad.add(broken(7, "04:00:00.5", "bad_time"));
        bad.add(broken(10, "1e6", "bad_number"));
        // look-alikes: a Cyrillic A in the booth, Arabic-Indic digits in a counter
        bad.add(broken(0, "\u0410002", "non_ascii"));
        bad.add(broken(9, "\u0663\u0664\u0665", "non_ascii"));
        bad.add(broken(7, "25:00:00", "bad_time"));
        bad.add(broken(7, "3pm", "bad_time"));
        bad.add(broken(8, "AUDIT", "unknown_desc"));
        bad.add(broken(3, "  ", "missing_field"));
        // Latin-1 where UTF-8 is required: "\u00c9" as the single byte 0xC9
        bad.add(
                new Broken<>(
                        r -> {
                            String[] fields = mta(Corpus.minuteLater(r)).split(",", -1);
                            fields[5] = fields[5] + "\u00c9";
                            return String.join(",", fields).getBytes(StandardCharsets.ISO_8859_1);
                        },
                        "not_utf8"));
        bad.add(
                fixed(
                        new byte[] {0x00, (byte) 0xff, (byte) 0xfe, 0x00, 0x01, 0x7f, 0x00},
                        "not_utf8"));
        byte[] noise = new byte[300];
        new Random(3).nextBytes(noise);
        bad.add(fixed(noise, "not_utf8"));
        // NUL and other control bytes are valid UTF-8, so only the format can catch them; a NUL
        // that reached a window row would be refused by PostgreSQL on every retry
        bad.add(fixed(new byte[] {0x00, 0x00, 0x00, 0x01, 0x02, 0x03}, "field_count"));
        bad.add(broken(4, "NQR\u0000456W", "control_character"));
        bad.add(broken(5, "B\u0001MT", "control_character"));
        bad.add(broken(3, "59 ST" + "X".repeat(MAX_RECORD_BYTES), "oversized"));
        // under the record limit, but too long for the warehouse's composite keys
        bad.add(broken(4, randomText(3000), "field_too_long"));
        return bad;
    }

    private static String randomText(int length) {
        Random random = new Random(length);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append((char) ('!' + random.nextInt(90)));
        }
        return text.toString().replace(",", ";").replace('"', '\'');
    }

    @Test
    void everyBadRecordIsRejectedWithItsReasonAndEveryGoodOneCounted() throws Exception {
        String topic = KAFKA.newTopic("rejects");
        PipelineConfig config =
                TurnstileJobRun.config(
                        POSTGRES, POSTGRES.newDatabase("rejects"), KAFKA, topic, dir, Map.of());
        WarehouseTables warehouse = new WarehouseTables(config);

        // Two days of readings in reading-time order with a broken record after every 10th, a
        // tombstone, then a reading a day later that moves the watermark past all of them.
        List<TurnstileReading> twoDays =
                WEEK.readings().stream()
                        .filter(r -> r.readingTime.isBefore(DAY0.plusDays(2).atStartOfDay()))
                        .sorted(Comparator.comparing(r -> r.readingTime))
                        .toList();
        Corpus corpus =
                new Corpus(MAX_RECORD_BYTES)
                        .interleave(twoDays, TurnstileRejectsITCase::mta, brokenMtaRecords(), 7)
                        .add(null, "empty")
                        .add(line("FLUSH", DAY0.plusDays(3).atStartOfDay(), 1000, 1000));

        TurnstileJobRun run = TurnstileJobRun.start(FLINK.cluster(), config, false, null);
        try (KafkaRecords kafka = new KafkaRecords(KAFKA.bootstrapServers())) {
            corpus.publish(kafka, topic);
            SqlOracle.install(warehouse, SqlOracle.Format.MTA_CSV, config, corpus.good());
            long stationRows = warehouse.count0("expected.station_window");
            run.awaitWarehouse(
                    "all rejects and station windows",
                    () ->
                            warehouse.count(Table.REJECTS) == corpus.rejects()
                                    && warehouse.count(Table.STATION_WINDOW) == stationRows);

            // Far behind the watermark now: a reading of a known turnstile at an hour it did not
            // report, and one of a turnstile never seen.
            corpus.add(
                            utf8(line("A002", DAY0.plusDays(1).atTime(5, 0), 7_500_000, 2_600_000)),
                            "late")
                    .add(utf8(line("NEW1", DAY0.plusDays(1).atTime(9, 0), 10, 10)), "late")
                    .publish(kafka, topic);
            run.awaitWarehouse(
                    "late readings rejected",
                    () -> warehouse.count(Table.REJECTS) == corpus.rejects());
            // two more checkpoints, so anything else the late readings caused would be loaded
            run.awaitMoreCheckpoints(2);
            assertThat(run.status()).isEqualTo(JobStatus.RUNNING);
            run.assertNeverFailed();
        } finally {
            run.cancel();
        }

        corpus.assertRejected(warehouse, topic);
        assertMatchesOracle(warehouse, Table.STATION_WINDOW);
        assertMatchesOracle(warehouse, Table.TURNSTILE_WINDOW);
        assertMatchesOracle(warehouse, Table.ANOMALIES);
        assertThat(warehouse.count(Table.TURNSTILE_WINDOW)).isGreaterThan(100);
        assertLoadedOnce(warehouse);
    }

    private static String line(String ca, LocalDateTime time, long entries, long exits) {
        return mta(Corpus.reading(ca, time, entries, exits));
    }
}
