package io.streamwarehouse.local.turnstile;

import static io.streamwarehouse.local.turnstile.TurnstileAssertions.assertLoadedOnce;
import static io.streamwarehouse.local.turnstile.TurnstileAssertions.assertMatchesOracle;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.jobs.JobRuntime;
import io.streamwarehouse.jobs.TurnstileAggregatesJob;
import io.streamwarehouse.local.services.KafkaExtension;
import io.streamwarehouse.local.services.PostgresExtension;
import io.streamwarehouse.local.turnstile.WarehouseTables.Table;
import io.streamwarehouse.samples.turnstile.TurnstileWeekGenerator;
import java.io.DataInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.state.IncrementalRemoteKeyedStateHandle;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash mid-replay changes nothing in the warehouse. A week with broken records is published in
 * four chunks while the job runs on RocksDB with checkpoints every 500 ms; between chunks its task
 * manager is killed (Flink restarts the job from the latest checkpoint) and later the job is
 * cancelled and resubmitted from the checkpoint retained in {@code checkpoint.dir}, the way an
 * operator resumes a stopped job. The four tables it ends with must be identical to those of one
 * uninterrupted run over the same topic, and every row must have been loaded exactly once.
 */
class TurnstileFailoverITCase {
    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    private static final TurnstileWeekGenerator WEEK = new TurnstileWeekGenerator(97L);
    private static final LocalDate DAY0 = WEEK.start();

    /** Its own cluster, since the test kills its task manager. */
    @RegisterExtension static final OwnFlinkCluster FLINK = new OwnFlinkCluster();

    @TempDir Path dir;

    @Test
    void killedAndResumedRunEndsIdenticalToAnUninterruptedOne() throws Exception {
        String topic = KAFKA.newTopic("failover");
        Path checkpoints = dir.resolve("checkpoints");
        PipelineConfig config =
                TurnstileJobRun.config(
                        POSTGRES,
                        POSTGRES.newDatabase("interrupted"),
                        KAFKA,
                        topic,
                        checkpoints,
                        Map.of());
        WarehouseTables interrupted = new WarehouseTables(config);

        // The week in reading-time order with broken records among it, then a reading two days
        // after it, which moves the watermark past the whole week so an unbounded run fires every
        // window an end of input would.
        Corpus corpus =
                Corpus.inOrderThenFlush(
                        WEEK.readings(),
                        TurnstileRejectsITCase.brokenMtaRecords(),
                        25,
                        DAY0.plusDays(9).atStartOfDay());
        int chunk = corpus.unpublished() / 4 + 1;
        MiniCluster mini = FLINK.cluster().miniCluster();

        try (KafkaRecords kafka = new KafkaRecords(KAFKA.bootstrapServers())) {
            TurnstileJobRun first = TurnstileJobRun.start(FLINK.cluster(), config, false, null);

            // 1: a quarter of the week, a few checkpoints, loads committed
            corpus.publish(kafka, topic, chunk);
            first.awaitMoreCheckpoints(3);
            first.awaitWarehouse("first loads", () -> interrupted.count(Table.STATION_WINDOW) > 0);

            // 2: the next quarter; as soon as its first windows are committed, a few more records
            // and the task manager dies, with a load just committed and records not checkpointed
            long before = interrupted.count(Table.STATION_WINDOW);
            corpus.publish(kafka, topic, chunk - 50);
            first.awaitWarehouse(
                    "windows of the second quarter",
                    () -> interrupted.count(Table.STATION_WINDOW) > before);
            corpus.publish(kafka, topic, 50);
            mini.terminateTaskManager(0).get();
            mini.startTaskManager();
            Poll.until(
                    "restart from a checkpoint",
                    TurnstileJobRun.JOB_TIMEOUT,
                    () -> first.restoredCheckpoint() > 0 && first.status() == JobStatus.RUNNING);
            assertThat(first.failure()).as("the job failed over").isNotNull();
            first.awaitMoreCheckpoints(2);

            // 3: the next quarter, then the job is stopped and its last checkpoint kept
            corpus.publish(kafka, topic, chunk);
            first.awaitMoreCheckpoints(2);
            first.cancel();
            Path retained = first.latestRetainedCheckpoint(checkpoints);
            assertThat(incrementalRocksDbStates(retained))
                    .as("keyed state handles of incremental RocksDB checkpoints")
                    .isPositive();

            // 4: resumed from that checkpoint by a new job, the rest of the week
            TurnstileJobRun second =
                    TurnstileJobRun.start(FLINK.cluster(), config, false, retained.toString());
            corpus.publish(kafka, topic);
            SqlOracle.install(interrupted, SqlOracle.Format.MTA_CSV, config, corpus.good());
            long stationRows = interrupted.count0("expected.station_window");
            long turnstileRows = interrupted.count0("expected.turnstile_window");
            long anomalies = interrupted.count0("expected.turnstile_anomalies");
            second.awaitWarehouse(
                    "every window, anomaly and reject",
                    () ->
                            interrupted.count(Table.STATION_WINDOW) == stationRows
                                    && interrupted.count(Table.TURNSTILE_WINDOW) == turnstileRows
                                    && interrupted.count(Table.ANOMALIES) == anomalies
                                    && interrupted.count(Table.REJECTS) == corpus.rejects());
            assertThat(second.restoredCheckpoint())
                    .as("restored from the retained checkpoint")
                    .isEqualTo(Long.parseLong(retained.getFileName().toString().substring(4)));
            // two more checkpoints: whatever else the run would write is in the warehouse now
            second.awaitMoreCheckpoints(2);
            second.assertNeverFailed();
            second.cancel();
        }

        PipelineConfig referenceConfig =
                TurnstileJobRun.config(
                        POSTGRES,
                        POSTGRES.newDatabase("uninterrupted"),
                        KAFKA,
                        topic,
                        dir.resolve("reference"),
                        Map.of());
        TurnstileJobRun.runToEnd(FLINK.cluster(), referenceConfig);
        WarehouseTables uninterrupted = new WarehouseTables(referenceConfig);

        Map<Table, List<String>> expected = uninterrupted.all();
        Map<Table, List<String>> actual = interrupted.all();
        for (Table table : Table.values()) {
            assertThat(expected.get(table)).as("uninterrupted %s", table.name).isNotEmpty();
            assertThat(actual.get(table))
                    .as("%s after a crash and a resume, against the uninterrupted run", table.name)
                    .containsExactlyElementsOf(expected.get(table));
        }
        assertLoadedOnce(interrupted);
        assertLoadedOnce(uninterrupted);
        assertMatchesOracle(interrupted, Table.STATION_WINDOW);
        assertMatchesOracle(interrupted, Table.ANOMALIES);
        corpus.assertRejected(interrupted, topic);
    }

    /**
     * Why a resubmission in one JVM can restore at all: the uids of the Table API operators, whose
     * window state a savepoint maps by uid, come out the same however many jobs were planned in the
     * JVM before, and not from the planner's JVM-wide node counter.
     */
    @Test
    void operatorUidsDoNotDependOnWhatWasPlannedBefore() throws Exception {
        PipelineConfig config = PipelineConfig.of(Map.of());
        List<String> first = operatorUids(config);
        List<String> second = operatorUids(config);
        assertThat(second)
                .isEqualTo(first)
                .doesNotHaveDuplicates()
                .allMatch(uid -> !uid.matches("^\\d+_.*"));
        assertThat(first)
                .contains(
                        "turnstile-counter-deltas",
                        "turnstile-window-rows/4-global-window-aggregate",
                        "station-window-rows/4-global-window-aggregate");
    }

    private static List<String> operatorUids(PipelineConfig config) throws Exception {
        StreamExecutionEnvironment env =
                JobRuntime.configure(
                        StreamExecutionEnvironment.getExecutionEnvironment(
                                JobRuntime.flinkSettings(config)),
                        config);
        new TurnstileAggregatesJob().build(env, config);
        return env.getStreamGraph().getStreamNodes().stream()
                .map(StreamNode::getTransformationUID)
                .sorted()
                .toList();
    }

    /** Keyed state handles of the checkpoint that an incremental RocksDB backend wrote. */
    private static long incrementalRocksDbStates(Path checkpoint) throws Exception {
        CheckpointMetadata metadata;
        try (DataInputStream in =
                new DataInputStream(Files.newInputStream(checkpoint.resolve("_metadata")))) {
            metadata =
                    Checkpoints.loadCheckpointMetadata(
                            in,
                            TurnstileFailoverITCase.class.getClassLoader(),
                            checkpoint.toString());
        }
        return metadata.getOperatorStates().stream()
                .flatMap(operator -> operator.getStates().stream())
                .flatMap(subtask -> subtask.getManagedKeyedState().stream())
                .filter(handle -> handle instanceof IncrementalRemoteKeyedStateHandle)
                .count();
    }
}
