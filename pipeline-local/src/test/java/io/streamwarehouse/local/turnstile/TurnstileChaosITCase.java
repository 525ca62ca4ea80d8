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
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults at random points of a replay of generated weeks with broken records among them: the task
 * manager killed (Flink restarts the job from its latest checkpoint) or the job cancelled and
 * resubmitted from its retained checkpoint, alternately, {@code chaos.faults} times (10 in {@code
 * verify}; the {@code chaos} profile runs more, over more weeks). Each fault comes after a random
 * share of the records was published, at once or after one or two more checkpoints, so it meets
 * loads in every phase: buffered, checkpointed, being committed. Afterwards every window and
 * anomaly equals the SQL oracle's, every row was loaded by exactly one load, and every broken
 * record was rejected once.
 */
class TurnstileChaosITCase {
    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    private static final int FAULTS = Integer.getInteger("chaos.faults", 10);
    private static final int WEEKS = Integer.getInteger("chaos.weeks", 2);
    private static final long SEED = Long.getLong("chaos.seed", 20261128L);

    /** Its own cluster, since the test kills its task manager. */
    @RegisterExtension static final OwnFlinkCluster FLINK = new OwnFlinkCluster();

    @TempDir Path dir;

    @Test
    void randomKillsAndRestoresLoseAndDuplicateNothing() throws Exception {
        Random random = new Random(SEED);
        String topic = KAFKA.newTopic("chaos");
        Path checkpoints = dir.resolve("checkpoints");
        PipelineConfig config =
                TurnstileJobRun.config(
                        POSTGRES,
                        POSTGRES.newDatabase("chaos"),
                        KAFKA,
                        topic,
                        checkpoints,
                        Map.of());
        WarehouseTables warehouse = new WarehouseTables(config);
        Corpus corpus = weeksWithBrokenRecords();
        long started = System.nanoTime();

        int kills = 0;
        int restores = 0;
        MiniCluster mini = FLINK.cluster().miniCluster();
        try (KafkaRecords kafka = new KafkaRecords(KAFKA.bootstrapServers())) {
            TurnstileJobRun run = TurnstileJobRun.start(FLINK.cluster(), config, false, null);
            run.awaitMoreCheckpoints(1);
            int chunk = corpus.unpublished() / (FAULTS + 1) + 1;
            for (int fault = 0; fault < FAULTS; fault++) {
                corpus.publish(kafka, topic, chunk / 2 + random.nextInt(chunk));
                // at once (records buffered, not yet checkpointed) or after one or two
                // checkpoints (their loads being committed)
                run.awaitMoreCheckpoints(random.nextInt(3));
                if (fault % 2 == 0) {
                    long restoredBefore = run.restoredCheckpoint();
                    // the mini cluster numbers task managers by start; a killed one keeps its
                    // number, so the running one is the last started
                    mini.terminateTaskManager(kills).get();
                    mini.startTaskManager();
                    TurnstileJobRun failing = run;
                    Poll.until(
                            "restart after kill " + (kills + 1),
                            TurnstileJobRun.JOB_TIMEOUT,
                            () ->
                                    failing.restoredCheckpoint() != restoredBefore
                                            && failing.status() == JobStatus.RUNNING);
                    kills++;
                } else {
                    run.cancel();
                    run =
                            TurnstileJobRun.start(
                                    FLINK.cluster(),
                                    config,
                                    false,
                                    run.latestRetainedCheckpoint(checkpoints).toString());
                    restores++;
                }
                // progress between faults: one checkpoint of the restarted job
                run.awaitMoreCheckpoints(1);
            }
            corpus.publish(kafka, topic);

            SqlOracle.install(warehouse, SqlOracle.Format.MTA_CSV, config, corpus.good());
            long stationRows = warehouse.count0("expected.station_window");
            long turnstileRows = warehouse.count0("expected.turnstile_window");
            long anomalies = warehouse.count0("expected.turnstile_anomalies");
            TurnstileJobRun last = run;
            Poll.until(
                    "every window, anomaly and reject after the faults",
                    TurnstileJobRun.JOB_TIMEOUT.multipliedBy(2),
                    () ->
                            last.status() == JobStatus.RUNNING
                                    && warehouse.count(Table.STATION_WINDOW) == stationRows
                                    && warehouse.count(Table.TURNSTILE_WINDOW) == turnstileRows
                                    && warehouse.count(Table.ANOMALIES) == anomalies
                                    && warehouse.count(Table.REJECTS) == corpus.rejects());
            last.awaitMoreCheckpoints(2);
            last.cancel();

            assertThat(kills + restores).isEqualTo(FAULTS);
            assertMatchesOracle(warehouse, Table.STATION_WINDOW);
            assertMatchesOracle(warehouse, Table.TURNSTILE_WINDOW);
            assertMatchesOracle(warehouse, Table.ANOMALIES);
            assertLoadedOnce(warehouse);
            corpus.assertRejected(warehouse, topic);
            System.out.printf(
                    "turnstile chaos: %d weeks, %d records (%d broken), %d task manager kills,"
                            + " %d cancel-and-restores survived; %d station windows, %d turnstile"
                            + " windows, %d anomalies equal to the oracle; %.0f s (seed %d)%n",
                    WEEKS,
                    corpus.good().size() + corpus.rejects(),
                    corpus.rejects(),
                    kills,
                    restores,
                    stationRows,
                    turnstileRows,
                    anomalies,
                    Duration.ofNanos(System.nanoTime() - started).toMillis() / 1000.0,
                    SEED);
        }
    }

    /**
     * {@link #WEEKS} generated weeks in reading-time order with broken records among them, then a
     * reading days after them, which moves the watermark past every window so that an unbounded run
     * fires them all.
     */
    private static Corpus weeksWithBrokenRecords() {
        TurnstileWeekGenerator first = new TurnstileWeekGenerator(SEED);
        LocalDate day0 = first.start();
        List<TurnstileReading> readings = new ArrayList<>();
        for (int week = 0; week < WEEKS; week++) {
            readings.addAll(first.startingOn(day0.plusWeeks(week)).readings());
        }
        return Corpus.inOrderThenFlush(
                readings,
                TurnstileRejectsITCase.brokenMtaRecords(),
                25,
                day0.plusWeeks(WEEKS).plusDays(2).atStartOfDay());
    }
}
