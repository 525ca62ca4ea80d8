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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A turnstile backfill: a warehouse already holds a week; the week before it is replayed to a
 * backfill topic and loaded by a bounded run of the job, as the README's operations section says.
 * The warehouse must then hold the later week's rows untouched (same values, never rewritten) plus
 * exactly the rows the SQL oracle computes from the older week's records alone.
 */
class TurnstileBackfillITCase {
    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
    @RegisterExtension static final SharedFlinkCluster FLINK = new SharedFlinkCluster();

    private static final TurnstileWeekGenerator LATER =
            new TurnstileWeekGenerator(20230603L).mtaTextStyle(true);
    private static final TurnstileWeekGenerator OLDER =
            new TurnstileWeekGenerator(20230527L)
                    .startingOn(LATER.start().minusDays(7))
                    .mtaTextStyle(true);

    private static final List<Table> FACTS =
            List.of(Table.STATION_WINDOW, Table.TURNSTILE_WINDOW, Table.ANOMALIES);

    @TempDir Path dir;

    @Test
    void olderWeekAddsExactlyItsRowsAndLeavesTheLaterWeekAlone() throws Exception {
        String database = POSTGRES.newDatabase("backfill");
        String liveTopic = KAFKA.newTopic("live");
        SortedMap<Long, String> later = publish(LATER, liveTopic);
        PipelineConfig live =
                TurnstileJobRun.config(
                        POSTGRES, database, KAFKA, liveTopic, dir.resolve("live"), Map.of());
        WarehouseTables warehouse = new WarehouseTables(live);
        SqlOracle.install(warehouse, SqlOracle.Format.MTA_CSV, live, later);
        TurnstileJobRun.runToEnd(FLINK.cluster(), live);
        for (Table table : FACTS) {
            assertMatchesOracle(warehouse, table);
        }
        Map<Table, List<String>> laterRows = new TreeMap<>();
        for (Table table : FACTS) {
            laterRows.put(table, warehouse.rows(table));
        }
        Instant backfillStarted = Instant.now();

        // the backfill: its own topic and consumer group, a run that stops at the topic's end
        String backfillTopic = KAFKA.newTopic("backfill");
        SortedMap<Long, String> older = publish(OLDER, backfillTopic);
        PipelineConfig backfill =
                TurnstileJobRun.config(
                        POSTGRES,
                        database,
                        KAFKA,
                        backfillTopic,
                        dir.resolve("backfill"),
                        Map.of("turnstile.group-id", "turnstile-backfill"));
        SqlOracle.install(warehouse, SqlOracle.Format.MTA_CSV, backfill, older);
        TurnstileJobRun.runToEnd(FLINK.cluster(), backfill);

        for (Table table : FACTS) {
            List<String> olderRows = warehouse.rows("expected", table);
            assertThat(olderRows).as("the older week has %s rows", table.name).isNotEmpty();
            List<String> expected = new ArrayList<>(laterRows.get(table));
            expected.addAll(olderRows);
            assertThat(warehouse.rows(table))
                    .as("warehouse.%s: the later week's rows plus the older week's", table.name)
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
        for (Table table : List.of(Table.STATION_WINDOW, Table.TURNSTILE_WINDOW)) {
            assertThat(
                            warehouse.number(
                                    "SELECT count(*) FROM warehouse."
                                            + table.name
                                            + " WHERE window_start >= '"
                                            + LATER.start()
                                            + "' AND loaded_at >= '"
                                            + backfillStarted
                                            + "'::timestamptz"))
                    .as("later windows of %s written again by the backfill", table.name)
                    .isZero();
        }
        assertThat(warehouse.count(Table.REJECTS))
                .as("no reading of either week rejected")
                .isZero();
        assertLoadedOnce(warehouse);
    }

    private SortedMap<Long, String> publish(TurnstileWeekGenerator week, String topic)
            throws Exception {
        Path file = dir.resolve("turnstile_" + week.start() + ".txt.gz");
        week.writeWeeklyFile(file);
        List<String> values = WeeklyFiles.read(List.of(file)).stream().map(Line::value).toList();
        SortedMap<Long, String> published = new TreeMap<>();
        try (KafkaRecords kafka = new KafkaRecords(KAFKA.bootstrapServers())) {
            List<Long> offsets = kafka.sendText(topic, values);
            for (int i = 0; i < values.size(); i++) {
                published.put(offsets.get(i), values.get(i));
            }
        }
        return published;
    }
}
