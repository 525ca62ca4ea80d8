package io.streamwarehouse.samples.turnstile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.streamwarehouse.turnstile.CounterDeltas;
import io.streamwarehouse.turnstile.CounterMode;
import io.streamwarehouse.turnstile.CounterRules;
import io.streamwarehouse.turnstile.DeltaHarness;
import io.streamwarehouse.turnstile.TurnstileDelta;
import io.streamwarehouse.turnstile.TurnstileKey;
import io.streamwarehouse.turnstile.TurnstileOptions;
import io.streamwarehouse.turnstile.TurnstileReading;
import io.streamwarehouse.turnstile.parse.ParseResult;
import io.streamwarehouse.turnstile.parse.RecordFormat;
import io.streamwarehouse.turnstile.parse.TurnstileParser;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TurnstileWeekGeneratorTest {
    private static final TurnstileParser MTA =
            TurnstileParser.forFormat(
                    RecordFormat.MTA_CSV,
                    TurnstileOptions.TURNSTILE_MAX_RECORD_BYTES.defaultValue());

    private static List<TurnstileReading> parseAll(TurnstileParser parser, List<String> lines) {
        List<TurnstileReading> readings = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            ParseResult result =
                    parser.parse("t", 0, i, lines.get(i).getBytes(StandardCharsets.UTF_8));
            assertThat(result.isOk()).as("%s", result).isTrue();
            readings.add(result.reading());
        }
        return readings;
    }

    @Test
    void sameSeedSameWeekOtherSeedOtherTraffic() {
        assertThat(new TurnstileWeekGenerator(7).lines())
                .isEqualTo(new TurnstileWeekGenerator(7).lines());
        assertThat(new TurnstileWeekGenerator(8).lines())
                .isNotEqualTo(new TurnstileWeekGenerator(7).lines());
    }

    @Test
    void weekHasTheShapeOfTheRealFiles() {
        TurnstileWeekGenerator generator = new TurnstileWeekGenerator(1);
        List<TurnstileReading> week = parseAll(MTA, generator.lines());

        Map<String, Long> perTurnstile =
                week.stream()
                        .collect(
                                Collectors.groupingBy(
                                        r -> r.key().toString(), Collectors.counting()));
        assertThat(perTurnstile).hasSize(12);
        assertThat(perTurnstile.get("C009/R057/03-00-00/ATL AV-BARCLAY")).isEqualTo(672);
        assertThat(perTurnstile.get("A011/R080/01-03-00/57 ST-7 AV")).isEqualTo(42);

        assertThat(week)
                .extracting(r -> r.readingTime.toLocalTime().toString())
                .contains("00:00", "01:00", "03:00", "00:29:11", "09:29:38", "11:45", "00:15");
        assertThat(week)
                .extracting(r -> r.station + " " + r.linename)
                .contains("59 ST NQR456W", "59 ST 456NQRW");
        assertThat(
                        week.stream()
                                .filter(r -> r.station.equals("23 ST"))
                                .map(r -> r.linename)
                                .distinct())
                .hasSize(2);
        assertThat(week).extracting(r -> r.entries).contains(2_147_178_400L);
        assertThat(week)
                .filteredOn(r -> r.ca.equals("TRAM2"))
                .extracting(r -> r.entries)
                .containsOnly(0L);
        assertThat(week)
                .filteredOn(r -> !r.regular())
                .extracting(r -> tuple(r.ca, r.readingTime.toLocalTime().toString()))
                .containsExactlyInAnyOrder(tuple("N306", "15:00"), tuple("N606", "11:45"));
        assertThat(week.get(0).readingTime.toLocalDate()).isEqualTo(generator.start());
        assertThat(week)
                .allSatisfy(
                        r ->
                                assertThat(r.readingTime)
                                        .isBefore(generator.start().plusDays(7).atStartOfDay()));
        assertThat(week)
                .as("file order: by turnstile, then time")
                .isSortedAccordingTo(
                        Comparator.<TurnstileReading, String>comparing(r -> r.ca)
                                .thenComparing(r -> r.unit)
                                .thenComparing(r -> r.scp)
                                .thenComparing(r -> r.readingTime));
    }

    @Test
    void mtaTextStyleAndJsonCarryTheSameReadings() {
        TurnstileWeekGenerator generator = new TurnstileWeekGenerator(3);
        List<String> padded = generator.mtaTextStyle(true).lines();
        assertThat(padded.get(0)).matches(".*,\\d{10},\\d{10}   $");

        List<String> plain = new ArrayList<>();
        for (TurnstileReading r : parseAll(MTA, padded)) {
            plain.add(TurnstileWeekGenerator.mtaLine(r, false));
        }
        assertThat(plain).isEqualTo(generator.lines());

        List<String> fromJson = new ArrayList<>();
        TurnstileParser json = TurnstileParser.forFormat(RecordFormat.JSON, 4096);
        for (TurnstileReading r : parseAll(json, generator.jsonLines())) {
            fromJson.add(TurnstileWeekGenerator.mtaLine(r, false));
        }
        assertThat(fromJson).isEqualTo(generator.lines());
    }

    @Test
    void countingTheWeekFindsExactlyThePlantedEvents() throws Exception {
        TurnstileWeekGenerator generator = new TurnstileWeekGenerator(11);
        List<TurnstileReading> week = parseAll(MTA, generator.lines());
        try (DeltaHarness h = new DeltaHarness(CounterRules.defaults())) {
            // Replays send the week in reading-time order; the harness gets it the same way.
            List<TurnstileReading> byTime = new ArrayList<>(week);
            byTime.sort(Comparator.comparing(r -> r.readingTime));
            for (TurnstileReading r : byTime) {
                h.send(r);
            }
            h.harness.processWatermark(Long.MAX_VALUE);

            assertThat(h.anomalies())
                    .extracting(a -> tuple(a.ca + "/" + a.scp, a.kind, a.counter, a.readingTime))
                    .containsExactlyInAnyOrder(
                            tuple(
                                    "A002/02-00-01",
                                    "gap",
                                    "ENTRIES",
                                    generator.start().plusDays(3).atTime(7, 0)),
                            tuple(
                                    "A002/02-00-01",
                                    "gap",
                                    "EXITS",
                                    generator.start().plusDays(3).atTime(7, 0)),
                            tuple(
                                    "N306/00-00-00",
                                    "anomaly",
                                    "ENTRIES",
                                    generator.start().plusDays(4).atTime(11, 0)),
                            tuple(
                                    "N306/00-00-00",
                                    "anomaly",
                                    "EXITS",
                                    generator.start().plusDays(4).atTime(11, 0)),
                            tuple(
                                    "R245A/01-06-00",
                                    "anomaly",
                                    "ENTRIES",
                                    generator.start().plusDays(6).atTime(23, 0)),
                            tuple(
                                    "R245A/01-06-00",
                                    "anomaly",
                                    "EXITS",
                                    generator.start().plusDays(6).atTime(23, 0)));
            assertThat(generator.plantedEvents()).hasSize(4);
            assertThat(h.metric(CounterDeltas.METRIC_DUPLICATES)).isEqualTo(1);
            assertThat(h.late()).isEmpty();

            // Registers that only count (or only count down) sum to last minus first.
            for (TurnstileKey key :
                    List.of(
                            new TurnstileKey("A002", "R051", "02-00-00", "59 ST"),
                            new TurnstileKey("A011", "R080", "01-03-00", "57 ST-7 AV"),
                            new TurnstileKey("J003", "R352", "00-00-00", "HEWES ST"),
                            new TurnstileKey("C009", "R057", "03-00-00", "ATL AV-BARCLAY"),
                            new TurnstileKey("PTH01", "R549", "00-00-00", "NEWARK HW BMEBE"),
                            new TurnstileKey("TRAM2", "R469", "00-05-01", "RIT-ROOSEVELT"),
                            new TurnstileKey("N606", "R025", "00-05-00", "JAMAICA CENTER"))) {
                List<TurnstileReading> own =
                        byTime.stream()
                                .filter(r -> r.key().equals(key))
                                .collect(Collectors.toList());
                TurnstileReading first = own.get(0);
                TurnstileReading last = own.get(own.size() - 1);
                List<TurnstileDelta> deltas =
                        h.deltas().stream()
                                .filter(d -> d.key().equals(key))
                                .collect(Collectors.toList());
                assertThat(deltas).as("%s", key).hasSize(own.size() - 1);
                assertThat(deltas.stream().mapToLong(d -> d.entries).sum())
                        .as("%s entries", key)
                        .isEqualTo(Math.abs(last.entries - first.entries));
                assertThat(deltas.stream().mapToLong(d -> d.exits).sum())
                        .as("%s exits", key)
                        .isEqualTo(Math.abs(last.exits - first.exits));
            }
            assertThat(h.stateEntries()).as("all state gone after the end of input").isZero();
        }
    }

    @Test
    void writesAGzippedWeeklyFileWithTheMtaHeader(@TempDir Path dir) throws Exception {
        TurnstileWeekGenerator generator = new TurnstileWeekGenerator(5);
        Path file = dir.resolve("turnstile_230603.txt.gz");
        generator.writeWeeklyFile(file);

        List<String> read;
        try (BufferedReader reader =
                new BufferedReader(
                        new InputStreamReader(
                                new GZIPInputStream(Files.newInputStream(file)),
                                StandardCharsets.UTF_8))) {
            read = reader.lines().collect(Collectors.toList());
        }
        assertThat(read.get(0)).isEqualTo(TurnstileWeekGenerator.HEADER);
        assertThat(read.subList(1, read.size())).isEqualTo(generator.lines());
        assertThat(
                        MTA.parse("t", 0, 0, read.get(0).getBytes(StandardCharsets.UTF_8))
                                .reject()
                                .reason)
                .isEqualTo("header");
    }

    @Test
    void producerMessagesParseAsPerIntervalCounts() throws Exception {
        LocalDateTime first = LocalDateTime.of(2025, 11, 21, 4, 30, 12);
        List<String> messages =
                new ProducerMessageGenerator(9).messages(first, Duration.ofSeconds(10), 500);

        assertThat(messages)
                .isEqualTo(
                        new ProducerMessageGenerator(9)
                                .messages(first, Duration.ofSeconds(10), 500));
        assertThat(messages.get(0))
                .startsWith("\"A00")
                .endsWith(",2025-11-21 04:30:12\"")
                .matches(".*,11-21-25,04:30:12,REGULAR,([5-9]|10),([5-9]|10),[0-9a-f-]{36},.*");

        List<TurnstileReading> readings =
                parseAll(TurnstileParser.forFormat(RecordFormat.PRODUCER_CSV, 4096), messages);
        assertThat(readings)
                .extracting(r -> r.entries)
                .allSatisfy(e -> assertThat(e).isBetween(5L, 10L));
        assertThat(readings)
                .extracting(r -> r.exits)
                .allSatisfy(e -> assertThat(e).isBetween(5L, 10L));
        assertThat(readings.stream().map(TurnstileReading::key).distinct().count()).isEqualTo(8);
        assertThat(readings.get(499).readingTime).isEqualTo(first.plusSeconds(4990));

        try (DeltaHarness h =
                new DeltaHarness(CounterRules.defaults().withMode(CounterMode.INTERVAL))) {
            for (TurnstileReading r : readings) {
                h.send(r);
            }
            h.harness.processWatermark(Long.MAX_VALUE);
            assertThat(h.deltas().stream().mapToLong(d -> d.entries).sum())
                    .isEqualTo(readings.stream().mapToLong(r -> r.entries).sum());
            assertThat(h.deltas()).hasSize(500);
            assertThat(h.anomalies()).isEmpty();
        }
    }
}
