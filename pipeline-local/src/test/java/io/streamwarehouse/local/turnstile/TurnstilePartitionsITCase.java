package io.streamwarehouse.local.turnstile;

import static io.streamwarehouse.local.turnstile.KafkaRecords.utf8;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.ToIntFunction;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's rows do not depend on partition count, parallelism, how far behind it starts or a
 * restore: event time is per Kafka partition (the source parses, so each partition has its own
 * watermark), an empty partition stops holding the others back after the idle timeout, and the
 * watermark that decides lateness is restored from the checkpoint. Each run is compared row for row
 * with the SQL oracle over the same readings, and with the other runs.
 */
class TurnstilePartitionsITCase {
    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
    @RegisterExtension static final SharedFlinkCluster FLINK = new SharedFlinkCluster();

    private static final int PARTITIONS = 4;
    private static final LocalDate DAY0 = TurnstileWeekGenerator.DEFAULT_START;

    @TempDir Path dir;

    /** Two consecutive generated weeks in reading-time order, as a replay publishes them. */
    private static List<TurnstileReading> twoWeeks() {
        List<TurnstileReading> readings =
                new ArrayList<>(new TurnstileWeekGenerator(23L).readings());
        readings.addAll(new TurnstileWeekGenerator(23L).startingOn(DAY0.plusDays(7)).readings());
        readings.sort(Comparator.comparing(r -> r.readingTime));
        return readings;
    }

    /**
     * A first reading of its own turnstile on every used partition, days after the rest: a baseline
     * only, it counts nothing, and moves each partition's watermark past every window.
     */
    private static TurnstileReading flush(int partition) {
        return reading("FLUSH" + partition, DAY0.plusDays(20).atStartOfDay(), 0, 0);
    }

    private static TurnstileReading reading(
            String ca, LocalDateTime time, long entries, long exits) {
        return Corpus.reading(ca, time, entries, exits);
    }

    private static byte[] key(TurnstileReading r) {
        return utf8(r.ca + "," + r.unit + "," + r.scp + "," + r.station);
    }

    /** Publishing in order, keyed by turnstile; the oracle's records keyed by publication order. */
    private static final class Publication {
        final String topic;
        final SortedMap<Long, String> published = new TreeMap<>();
        final Map<Integer, Integer> perPartition = new HashMap<>();

        Publication(String topic) {
            this.topic = topic;
        }

        /** {@code partition} null: the producer's partitioner picks by key, as a replay does. */
        void publish(
                KafkaRecords kafka,
                List<TurnstileReading> readings,
                ToIntFunction<TurnstileReading> partition)
                throws Exception {
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (TurnstileReading r : readings) {
                String line = TurnstileWeekGenerator.mtaLine(r, false);
                int p = partition == null ? -1 : partition.applyAsInt(r);
                records.add(new ProducerRecord<>(topic, p < 0 ? null : p, key(r), utf8(line)));
                published.put((long) published.size(), line);
            }
            for (RecordMetadata landed : kafka.sendRecords(records)) {
                perPartition.merge(landed.partition(), 1, Integer::sum);
            }
        }
    }

    private PipelineConfig config(String topic, String database, Map<String, String> settings)
            throws Exception {
        return TurnstileJobRun.config(
                POSTGRES,
                POSTGRES.newDatabase(database),
                KAFKA,
                topic,
                dir.resolve(database),
                settings);
    }

    /** The oracle's tables, and the job's tables equal to them. */
    private static WarehouseTables assertMatchesTheRules(
            PipelineConfig config, SortedMap<Long, String> published) throws Exception {
        WarehouseTables warehouse = new WarehouseTables(config);
        SqlOracle.install(warehouse, SqlOracle.Format.MTA_CSV, config, published);
        assertMatchesOracle(warehouse, Table.STATION_WINDOW);
        assertMatchesOracle(warehouse, Table.TURNSTILE_WINDOW);
        assertMatchesOracle(warehouse, Table.ANOMALIES);
        assertThat(warehouse.count(Table.REJECTS)).as("nothing is late").isZero();
        assertLoadedOnce(warehouse);
        return warehouse;
    }

    @Test
    void aBacklogOfTwoWeeksOnFourPartitionsGivesTheSameRowsAtParallelismOneTwoAndFour()
            throws Exception {
        String topic = KAFKA.newTopic("backlog", PARTITIONS);
        Publication publication = new Publication(topic);
        try (KafkaRecords kafka = new KafkaRecords(KAFKA.bootstrapServers())) {
            publication.publish(kafka, twoWeeks(), null);
            List<TurnstileReading> flushes = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                flushes.add(flush(p));
            }
            publication.publish(kafka, flushes, r -> Integer.parseInt(r.ca.substring(5)));
        }
        assertThat(publication.perPartition)
                .as("keyed by turnstile, every partition has readings")
                .hasSize(PARTITIONS)
                .allSatisfy((partition, count) -> assertThat(count).isGreaterThan(100));

        Map<Table, List<String>> first = null;
        for (int parallelism : new int[] {1, 2, 4}) {
            PipelineConfig config =
                    config(
                            topic,
                            "backlog_p" + parallelism,
                            Map.of("job.parallelism", String.valueOf(parallelism)));
            // started behind the whole topic: each subtask drains its partitions at its own pace
            TurnstileJobRun.runToEnd(FLINK.cluster(), config);
            WarehouseTables warehouse = assertMatchesTheRules(config, publication.published);
            Map<Table, List<String>> rows = warehouse.all();
            assertThat(rows.get(Table.STATION_WINDOW)).hasSizeGreaterThan(500);
            if (first == null) {
                first = rows;
            } else {
                assertThat(rows).as("parallelism %d against 1", parallelism).isEqualTo(first);
            }
        }
    }

    @Test
    void aLiveReplayLeavingOnePartitionEmptyStillFiresWindowsAfterTheIdleTimeout()
            throws Exception {
        String topic = KAFKA.newTopic("live", PARTITIONS);
        PipelineConfig config =
                config(
                        topic,
                        "live",
                        Map.of("job.parallelism", "2", "turnstile.idle-timeout", "2 s"));
        WarehouseTables warehouse = new WarehouseTables(config);
        Publication publication = new Publication(topic);
        List<TurnstileReading> readings = twoWeeks();
        // partition 3 never gets a record: without the idle timeout its watermark would hold every
        // window of the subtask reading it, and with it the whole job's, back for ever
        ToIntFunction<TurnstileReading> firstThree = r -> Math.floorMod(r.key().hashCode(), 3);

        TurnstileJobRun run = TurnstileJobRun.start(FLINK.cluster(), config, false, null);
        try (KafkaRecords kafka = new KafkaRecords(KAFKA.bootstrapServers())) {
            int chunk = readings.size() / 8 + 1;
            for (int from = 0; from < readings.size(); from += chunk) {
                publication.publish(
                        kafka,
                        readings.subList(from, Math.min(readings.size(), from + chunk)),
                        firstThree);
                run.awaitMoreCheckpoints(1);
            }
            publication.publish(
                    kafka, List.of(flush(0), flush(1), flush(2)), r -> r.ca.charAt(5) - '0');
            SqlOracle.install(warehouse, SqlOracle.Format.MTA_CSV, config, publication.published);
            long stationRows = warehouse.count0("expected.station_window");
            run.awaitWarehouse(
                    "every station window",
                    () -> warehouse.count(Table.STATION_WINDOW) == stationRows);
            run.awaitMoreCheckpoints(2);
            run.assertNeverFailed();
        } finally {
            run.cancel();
        }
        assertThat(publication.perPartition).doesNotContainKey(3);
        assertMatchesTheRules(config, publication.published);
    }

    @Test
    void aLateReadingRightAfterARestoreIsRejectedExactlyAsAnUninterruptedRunRejectsIt()
            throws Exception {
        String topic = KAFKA.newTopic("restore", 1);
        PipelineConfig config = config(topic, "restored", Map.of());
        PipelineConfig referenceConfig = config(topic, "uninterrupted", Map.of());
        Path checkpoints = dir.resolve("restored");
        WarehouseTables restored = new WarehouseTables(config);
        WarehouseTables uninterrupted = new WarehouseTables(referenceConfig);
        List<TurnstileReading> readings = twoWeeks();
        LocalDateTime weekTwo = DAY0.plusDays(7).atStartOfDay();
        Publication publication = new Publication(topic);

        // Both runs read the same topic at the same time; only one is interrupted. (A run over
        // the whole topic afterwards would be no reference: reading a backlog, it can take in a
        // late reading before any watermark has passed it.)
        TurnstileJobRun reference =
                TurnstileJobRun.start(FLINK.cluster(), referenceConfig, false, null);
        try (KafkaRecords kafka = new KafkaRecords(KAFKA.bootstrapServers())) {
            publication.publish(
                    kafka,
                    readings.stream().filter(r -> r.readingTime.isBefore(weekTwo)).toList(),
                    r -> 0);
            TurnstileJobRun first = TurnstileJobRun.start(FLINK.cluster(), config, false, null);
            first.awaitWarehouse(
                    "the first week's windows", () -> restored.count(Table.STATION_WINDOW) > 500);
            reference.awaitWarehouse(
                    "the first week's windows",
                    () ->
                            uninterrupted.count(Table.STATION_WINDOW)
                                    == restored.count(Table.STATION_WINDOW));
            first.awaitMoreCheckpoints(2);
            first.cancel();
            Path retained = first.latestRetainedCheckpoint(checkpoints);

            // Right after the checkpoint, days behind its watermark: two readings of a turnstile
            // never seen. Taken in, they would give a delta into a window long written, and
            // overwrite that window's row with theirs alone.
            publication.publish(
                    kafka,
                    List.of(
                            reading("LATE1", DAY0.plusDays(1).atTime(5, 0), 10, 10),
                            reading("LATE1", DAY0.plusDays(1).atTime(9, 0), 50, 90)),
                    r -> 0);
            List<TurnstileReading> rest =
                    new ArrayList<>(
                            readings.stream()
                                    .filter(r -> !r.readingTime.isBefore(weekTwo))
                                    .toList());
            rest.add(flush(0));
            publication.publish(kafka, rest, r -> 0);

            TurnstileJobRun second =
                    TurnstileJobRun.start(FLINK.cluster(), config, false, retained.toString());
            SortedMap<Long, String> counted = new TreeMap<>(publication.published);
            counted.values().removeIf(line -> line.startsWith("LATE1,"));
            SqlOracle.install(restored, SqlOracle.Format.MTA_CSV, config, counted);
            long stationRows = restored.count0("expected.station_window");
            second.awaitWarehouse(
                    "every station window and both late readings",
                    () ->
                            restored.count(Table.STATION_WINDOW) == stationRows
                                    && restored.count(Table.REJECTS) == 2);
            reference.awaitWarehouse(
                    "every station window and both late readings",
                    () ->
                            uninterrupted.count(Table.STATION_WINDOW) == stationRows
                                    && uninterrupted.count(Table.REJECTS) == 2);
            second.awaitMoreCheckpoints(2);
            reference.awaitMoreCheckpoints(2);
            assertThat(second.restoredCheckpoint()).isPositive();
            second.assertNeverFailed();
            second.cancel();
        } finally {
            reference.cancel();
        }

        // the detail names the watermark each run compared with; what was rejected is the point
        String rejects =
                "SELECT kafka_partition || '/' || kafka_offset || ' ' || reason"
                        + " FROM warehouse.turnstile_rejects ORDER BY kafka_offset";
        assertThat(restored.strings(rejects))
                .hasSize(2)
                .allMatch(row -> row.endsWith(" late"))
                .isEqualTo(uninterrupted.strings(rejects));
        Map<Table, List<String>> expected = uninterrupted.all();
        Map<Table, List<String>> actual = restored.all();
        for (Table table : List.of(Table.TURNSTILE_WINDOW, Table.STATION_WINDOW, Table.ANOMALIES)) {
            assertThat(actual.get(table))
                    .as("%s after a restore, against the uninterrupted run", table.name)
                    .containsExactlyElementsOf(expected.get(table));
        }
        assertMatchesOracle(restored, Table.STATION_WINDOW);
        assertMatchesOracle(restored, Table.TURNSTILE_WINDOW);
        assertMatchesOracle(restored, Table.ANOMALIES);
        assertLoadedOnce(restored);
    }
}
