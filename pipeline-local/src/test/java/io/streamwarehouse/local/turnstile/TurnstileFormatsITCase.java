package io.streamwarehouse.local.turnstile;

import static io.streamwarehouse.local.turnstile.KafkaRecords.utf8;
import static io.streamwarehouse.local.turnstile.TurnstileAssertions.assertLoadedOnce;
import static io.streamwarehouse.local.turnstile.TurnstileAssertions.assertMatchesOracle;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.local.services.KafkaExtension;
import io.streamwarehouse.local.services.PostgresExtension;
import io.streamwarehouse.local.turnstile.Corpus.Broken;
import io.streamwarehouse.local.turnstile.WarehouseTables.Table;
import io.streamwarehouse.samples.turnstile.ProducerMessageGenerator;
import io.streamwarehouse.samples.turnstile.TurnstileWeekGenerator;
import io.streamwarehouse.turnstile.TurnstileReading;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two other record formats end in the windows the SQL oracle computes from the same payloads:
 * the original producer's messages (a JSON string literal wrapping a 13-field CSV line, counts per
 * interval) and JSON objects (cumulative registers). Each carries broken records of its own kind,
 * which must be rejected with their reasons while the good records around them are all counted.
 */
class TurnstileFormatsITCase {
    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
    @RegisterExtension static final SharedFlinkCluster FLINK = new SharedFlinkCluster();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    @TempDir Path dir;

    /**
     * A producer line changed: moved five seconds on (the producer sends every ten, so no other
     * message has that time) and then broken, and sent wrapped as the producer wraps it.
     */
    private static Broken<String> producer(Function<String[], String> change, String reason) {
        return new Broken<>(
                line -> {
                    String[] fields = fiveSecondsLater(line);
                    return utf8(ProducerMessageGenerator.message(change.apply(fields)));
                },
                reason);
    }

    private static String[] fiveSecondsLater(String line) {
        String[] fields = line.split(",", -1);
        LocalDateTime time = LocalDateTime.parse(fields[12].replace(' ', 'T')).plusSeconds(5);
        fields[7] = TIME.format(time);
        fields[12] = fields[12].substring(0, 11) + TIME.format(time);
        return fields;
    }

    private static Function<String[], String> set(int field, String value) {
        return fields -> {
            fields[field] = value;
            return String.join(",", fields);
        };
    }

    @Test
    void producerMessagesAreCountedPerInterval() throws Exception {
        String topic = KAFKA.newTopic("producer");
        PipelineConfig config =
                TurnstileJobRun.config(
                        POSTGRES,
                        POSTGRES.newDatabase("producer"),
                        KAFKA,
                        topic,
                        dir,
                        Map.of(
                                "turnstile.format", "producer-csv",
                                "turnstile.counter-mode", "interval"));
        WarehouseTables warehouse = new WarehouseTables(config);

        // about four hours of messages, one every ten seconds, from up to eight turnstiles
        List<String> lines = new ArrayList<>();
        for (String message :
                new ProducerMessageGenerator(5)
                        .messages(
                                LocalDateTime.of(2025, 11, 21, 4, 0, 7),
                                Duration.ofSeconds(10),
                                1500)) {
            lines.add(JSON.readValue(message, String.class));
        }
        List<Broken<String>> broken = new ArrayList<>();
        // the CSV line as it is, not wrapped in a JSON string literal
        broken.add(
                new Broken<>(line -> utf8(String.join(",", fiveSecondsLater(line))), "bad_json"));
        broken.add(
                new Broken<>(
                        line -> utf8("{\"line\": " + ProducerMessageGenerator.message(line) + "}"),
                        "bad_json"));
        broken.add(new Broken<>(line -> utf8("\"" + line), "bad_json"));
        broken.add(new Broken<>(line -> utf8("\"\""), "empty"));
        broken.add(producer(f -> String.join(",", Arrays.copyOf(f, 12)), "field_count"));
        broken.add(producer(set(12, "2025-11-31 04:00:12"), "bad_date"));
        broken.add(producer(set(6, "11/21/25"), "bad_date"));
        broken.add(producer(set(6, "11-21-2025"), "bad_date"));
        broken.add(producer(set(12, "+2025-11-21 04:00:12"), "bad_date"));
        // 2099: a valid two-digit year, more than a day ahead of the clock
        broken.add(producer(set(6, "11-21-99"), "implausible_time"));
        broken.add(producer(set(0, "\u0410002"), "non_ascii"));
        broken.add(new Broken<>(line -> utf8("null"), "bad_json"));
        broken.add(producer(set(7, "4 o'clock"), "bad_time"));
        broken.add(producer(set(11, ""), "missing_field"));
        broken.add(producer(set(9, "seven"), "bad_number"));
        broken.add(producer(set(8, "DOOR OPEN"), "unknown_desc"));
        // an escaped NUL is valid JSON and decodes to a NUL character in the station name
        broken.add(producer(set(3, "Test-Station\u00001"), "control_character"));
        Corpus corpus =
                new Corpus(4096).interleave(lines, ProducerMessageGenerator::message, broken, 80);
        try (KafkaRecords kafka = new KafkaRecords(KAFKA.bootstrapServers())) {
            corpus.publish(kafka, topic);
        }
        SqlOracle.install(warehouse, SqlOracle.Format.PRODUCER_CSV, config, corpus.good());

        TurnstileJobRun.runToEnd(FLINK.cluster(), config);

        assertMatchesOracle(warehouse, Table.STATION_WINDOW);
        assertMatchesOracle(warehouse, Table.TURNSTILE_WINDOW);
        corpus.assertRejected(warehouse, topic);
        // interval counts are summed as they are: every good message counts, nothing is an anomaly
        assertThat(warehouse.number("SELECT sum(readings) FROM warehouse.station_window"))
                .isEqualTo(lines.size());
        assertThat(warehouse.count(Table.ANOMALIES)).isZero();
        assertThat(
                        warehouse.strings(
                                "SELECT DISTINCT station FROM warehouse.station_window ORDER BY 1"))
                .containsExactly("Test-Station1", "Test-Station2");
        assertLoadedOnce(warehouse);
    }

    /** A JSON reading changed, a minute after the reading it follows. */
    private static Broken<TurnstileReading> json(Function<String, String> change, String reason) {
        return new Broken<>(
                r -> utf8(change.apply(TurnstileWeekGenerator.jsonObject(Corpus.minuteLater(r)))),
                reason);
    }

    @Test
    void jsonObjectsGiveTheSameWindowsAsTheRules() throws Exception {
        String topic = KAFKA.newTopic("json");
        PipelineConfig config =
                TurnstileJobRun.config(
                        POSTGRES,
                        POSTGRES.newDatabase("json"),
                        KAFKA,
                        topic,
                        dir,
                        Map.of("turnstile.format", "json"));
        WarehouseTables warehouse = new WarehouseTables(config);

        List<TurnstileReading> week =
                new TurnstileWeekGenerator(41L)
                        .readings().stream()
                                .sorted(Comparator.comparing(r -> r.readingTime))
                                .toList();
        List<Broken<TurnstileReading>> broken = new ArrayList<>();
        broken.add(json(j -> j.substring(0, j.length() / 2), "bad_json"));
        broken.add(json(j -> "[" + j + "]", "bad_json"));
        broken.add(json(j -> j + " {}", "bad_json"));
        broken.add(json(j -> j.replace("}", ",\"ca\":\"A999\"}"), "bad_json"));
        broken.add(json(j -> j.replaceFirst("\"ca\":\"[^\"]*\"", "\"ca\":5"), "bad_json"));
        broken.add(json(j -> j.replaceFirst("\"entries\":\\d+", "\"entries\":1.5"), "bad_number"));
        broken.add(json(j -> j.replaceFirst(",\"exits\":\\d+", ""), "missing_field"));
        broken.add(
                json(
                        j -> j.replaceFirst("\"date\":\"[^\"]*\"", "\"date\":\"2023-02-30\""),
                        "bad_date"));
        broken.add(
                json(
                        j -> j.replaceFirst("\"time\":\"[^\"]*\"", "\"time\":\"24:00:00\""),
                        "bad_time"));
        broken.add(
                json(
                        j -> j.replaceFirst("\"desc\":\"[^\"]*\"", "\"desc\":\"DOOR OPEN\""),
                        "unknown_desc"));
        broken.add(
                json(
                        j -> j.replaceFirst("\"division\":\"", "\"division\":\"\\\\u0000"),
                        "control_character"));
        broken.add(new Broken<>(r -> utf8(TurnstileWeekGenerator.mtaLine(r, false)), "bad_json"));
        broken.add(new Broken<>(r -> utf8("42"), "bad_json"));
        broken.add(
                json(
                        j -> j.replaceFirst("\"date\":\"[^\"]*\"", "\"date\":\"+999999999-12-31\""),
                        "bad_date"));
        broken.add(
                json(
                        j -> j.replaceFirst("\"date\":\"[^\"]*\"", "\"date\":\"9999-12-31\""),
                        "implausible_time"));
        broken.add(
                json(
                        j -> j.replaceFirst("\"entries\":\\d+", "\"entries\":99999999999999999999"),
                        "bad_number"));
        broken.add(
                json(j -> j.replaceFirst("\"station\":\"", "\"station\":\"\u0421"), "non_ascii"));
        // valid JSON, but no UTF-8 text: the driver would write it as '?'
        broken.add(
                json(
                        j -> j.replaceFirst("\"linename\":\"", "\"linename\":\"\\\\ud800"),
                        "not_utf8"));
        Corpus corpus =
                new Corpus(4096).interleave(week, TurnstileWeekGenerator::jsonObject, broken, 50);
        try (KafkaRecords kafka = new KafkaRecords(KAFKA.bootstrapServers())) {
            corpus.publish(kafka, topic);
        }
        SqlOracle.install(warehouse, SqlOracle.Format.JSON, config, corpus.good());

        TurnstileJobRun.runToEnd(FLINK.cluster(), config);

        assertMatchesOracle(warehouse, Table.STATION_WINDOW);
        assertMatchesOracle(warehouse, Table.TURNSTILE_WINDOW);
        assertMatchesOracle(warehouse, Table.ANOMALIES);
        assertThat(warehouse.count(Table.ANOMALIES)).isEqualTo(6);
        corpus.assertRejected(warehouse, topic);
        assertLoadedOnce(warehouse);
    }
}
