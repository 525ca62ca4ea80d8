package io.streamwarehouse.local.turnstile;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwarehouse.samples.turnstile.TurnstileWeekGenerator;
import io.streamwarehouse.turnstile.TurnstileReading;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Good readings with broken records between them, published in order, remembering what went to
 * which offset: the good ones for the SQL oracle, the broken ones with the reason the job must
 * reject each with.
 */
final class Corpus {

    /**
     * A broken record, made from the good record it follows, and the reason it must be rejected
     * with.
     */
    record Broken<T>(Function<T, byte[]> value, String reason) {}

    private final List<byte[]> values = new ArrayList<>();
    private final List<String> reasons = new ArrayList<>();
    private final SortedMap<Long, String> good = new TreeMap<>();
    private final Map<Long, String> expectedReasons = new LinkedHashMap<>();
    private final Map<Long, byte[]> sent = new LinkedHashMap<>();
    final int maxRecordBytes;

    Corpus(int maxRecordBytes) {
        this.maxRecordBytes = maxRecordBytes;
    }

    /**
     * Adds the good records as formatted, with the next broken record after every {@code every}th
     * one; all broken records must find a place.
     */
    <T> Corpus interleave(
            List<T> records, Function<T, String> format, List<Broken<T>> broken, int every) {
        int next = 0;
        for (int i = 0; i < records.size(); i++) {
            T record = records.get(i);
            add(format.apply(record));
            if (i % every == every / 2 && next < broken.size()) {
                Broken<T> b = broken.get(next++);
                add(b.value().apply(record), b.reason());
            }
        }
        assertThat(next).as("broken records placed among good ones").isEqualTo(broken.size());
        return this;
    }

    Corpus add(String goodValue) {
        return add(goodValue.getBytes(StandardCharsets.UTF_8), null);
    }

    /** {@code reason} null for a good record; a null value is a tombstone. */
    Corpus add(byte[] value, String reason) {
        values.add(value);
        reasons.add(reason);
        return this;
    }

    /** Publishes everything added and not yet published, and records where it went. */
    Corpus publish(KafkaRecords kafka, String topic) throws Exception {
        return publish(kafka, topic, values.size());
    }

    /** Publishes the next {@code count} records not yet published. */
    Corpus publish(KafkaRecords kafka, String topic, int count) throws Exception {
        List<byte[]> batch = values.subList(0, Math.min(count, values.size()));
        List<String> batchReasons = reasons.subList(0, batch.size());
        List<Long> offsets = kafka.send(topic, batch);
        for (int i = 0; i < batch.size(); i++) {
            long offset = offsets.get(i);
            sent.put(offset, batch.get(i) == null ? new byte[0] : batch.get(i));
            if (batchReasons.get(i) == null) {
                good.put(offset, new String(batch.get(i), StandardCharsets.UTF_8));
            } else {
                expectedReasons.put(offset, batchReasons.get(i));
            }
        }
        batch.clear();
        batchReasons.clear();
        return this;
    }

    /** Records added and not yet published. */
    int unpublished() {
        return values.size();
    }

    SortedMap<Long, String> good() {
        return good;
    }

    int rejects() {
        return expectedReasons.size();
    }

    /**
     * A generated week in reading-time order, then a reading of its own turnstile days later: it
     * moves the watermark past every window of the week, so an unbounded run fires them all.
     */
    static Corpus weekThenFlush(TurnstileWeekGenerator week) {
        return inOrderThenFlush(
                week.readings(), List.of(), 1, week.start().plusDays(9).atStartOfDay());
    }

    /**
     * Readings in reading-time order with the next of {@code broken} after every {@code every}th,
     * then a reading at {@code flushAt}, after all of them: it moves the watermark past every
     * window, so an unbounded run fires them all as an end of input would.
     */
    static Corpus inOrderThenFlush(
            List<TurnstileReading> readings,
            List<Broken<TurnstileReading>> broken,
            int every,
            LocalDateTime flushAt) {
        List<TurnstileReading> sorted =
                readings.stream()
                        .sorted(java.util.Comparator.comparing(r -> r.readingTime))
                        .toList();
        return new Corpus(4096)
                .interleave(sorted, r -> TurnstileWeekGenerator.mtaLine(r, false), broken, every)
                .add(TurnstileWeekGenerator.mtaLine(reading("FLUSH", flushAt, 0, 0), false));
    }

    /** A REGULAR reading of booth {@code ca} at 59 ST (R051, 02-00-00, NQR456W, BMT). */
    static TurnstileReading reading(String ca, LocalDateTime time, long entries, long exits) {
        return new TurnstileReading(
                ca,
                "R051",
                "02-00-00",
                "59 ST",
                "NQR456W",
                "BMT",
                time,
                TurnstileReading.REGULAR,
                entries,
                exits);
    }

    /**
     * The reading a broken record is made from: one minute after a reading its turnstile just
     * reported, one more on each register. Were the broken record let through it would be counted
     * (or break the writer) rather than dropped as a duplicate or as late, so a test would notice.
     */
    static TurnstileReading minuteLater(TurnstileReading r) {
        return new TurnstileReading(
                r.ca,
                r.unit,
                r.scp,
                r.station,
                r.linename,
                r.division,
                r.readingTime.plusMinutes(1),
                r.description,
                r.entries + 1,
                r.exits + 1);
    }

    /**
     * The rejects table holds exactly the broken records: each at its own topic, partition and
     * offset, with its reason, a detail, and its payload byte for byte (an oversized one cut at the
     * record limit; a late one, rejected after parsing, described in its detail).
     */
    void assertRejected(WarehouseTables warehouse, String topic) throws Exception {
        Map<Long, String> actual = new LinkedHashMap<>();
        try (Connection c = warehouse.open();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT topic, kafka_partition, kafka_offset, reason, detail,"
                                        + " raw_payload FROM warehouse.turnstile_rejects"
                                        + " ORDER BY kafka_offset")) {
            while (rs.next()) {
                long offset = rs.getLong("kafka_offset");
                String reason = rs.getString("reason");
                actual.put(offset, reason);
                assertThat(rs.getString("topic")).isEqualTo(topic);
                assertThat(rs.getInt("kafka_partition")).isZero();
                assertThat(rs.getString("detail")).as("detail at %d", offset).isNotBlank();
                byte[] raw = rs.getBytes("raw_payload");
                byte[] value = sent.get(offset);
                if (reason.equals("oversized")) {
                    assertThat(raw).isEqualTo(Arrays.copyOf(value, maxRecordBytes));
                } else if (reason.equals("late")) {
                    assertThat(rs.getString("detail")).contains("arrived after the watermark");
                } else {
                    assertThat(raw).as("payload at %d (%s)", offset, reason).isEqualTo(value);
                }
            }
        }
        assertThat(actual).containsExactlyInAnyOrderEntriesOf(expectedReasons);
    }
}
