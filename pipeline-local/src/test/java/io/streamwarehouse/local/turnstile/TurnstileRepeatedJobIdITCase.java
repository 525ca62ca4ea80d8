package io.streamwarehouse.local.turnstile;

import static io.streamwarehouse.local.turnstile.TurnstileAssertions.assertRecoversToTheOracle;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.local.flink.LocalCluster;
import io.streamwarehouse.local.services.KafkaExtension;
import io.streamwarehouse.local.services.PostgresExtension;
import io.streamwarehouse.local.turnstile.WarehouseTables.Table;
import io.streamwarehouse.samples.turnstile.TurnstileWeekGenerator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.SavepointFormatType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit row is the commit marker, and a job id can repeat: application mode with HA runs its
 * job under a fixed id, so restoring it from an older savepoint numbers the new run's checkpoints
 * as the old run already numbered committed loads. Here one fixed id runs twice: over two thirds of
 * a week, with a savepoint after the first third; then, cancelled, from that savepoint while the
 * last third arrives. The second run's loads repeat the first run's job id, checkpoint numbers and
 * subtasks with rows the first run never had: every one must be written, and none twice. Each run
 * has a cluster of its own, as each deployment of an application cluster does: a cluster refuses a
 * job id it has seen end.
 */
class TurnstileRepeatedJobIdITCase {
    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    private static final TurnstileWeekGenerator WEEK = new TurnstileWeekGenerator(83L);

    @TempDir Path dir;

    @Test
    void aRestoreUnderTheSameJobIdWritesEveryLoadOnce() throws Exception {
        String topic = KAFKA.newTopic("fixed_id");
        PipelineConfig config =
                TurnstileJobRun.config(
                        POSTGRES,
                        POSTGRES.newDatabase("fixed_id"),
                        KAFKA,
                        topic,
                        dir.resolve("checkpoints"),
                        Map.of());
        WarehouseTables warehouse = new WarehouseTables(config);
        Corpus corpus = Corpus.weekThenFlush(WEEK);
        int third = corpus.unpublished() / 3;
        JobID fixed = new JobID();

        try (KafkaRecords kafka = new KafkaRecords(KAFKA.bootstrapServers())) {
            String older;
            try (LocalCluster cluster = LocalCluster.start(0, 2)) {
                TurnstileJobRun first = TurnstileJobRun.start(cluster, config, false, null, fixed);
                corpus.publish(kafka, topic, third);
                first.awaitWarehouse(
                        "the first loads", () -> warehouse.count(Table.STATION_WINDOW) > 0);
                older =
                        cluster.miniCluster()
                                .triggerSavepoint(
                                        fixed,
                                        dir.resolve("savepoints").toUri().toString(),
                                        false,
                                        SavepointFormatType.CANONICAL)
                                .get();
                long loadsAtTheSavepoint = loads(warehouse, fixed);

                corpus.publish(kafka, topic, third);
                first.awaitMoreCheckpoints(3);
                first.awaitWarehouse(
                        "loads after the savepoint",
                        () -> loads(warehouse, fixed) > loadsAtTheSavepoint);
                first.cancel();
            }

            try (LocalCluster cluster = LocalCluster.start(0, 2)) {
                TurnstileJobRun second =
                        TurnstileJobRun.start(cluster, config, false, older, fixed);
                corpus.publish(kafka, topic);
                SqlOracle.install(warehouse, SqlOracle.Format.MTA_CSV, config, corpus.good());
                assertRecoversToTheOracle(second, warehouse, Duration.ofMinutes(2));
                second.assertNeverFailed();
                second.cancel();
            }
        }
        assertThat(
                        warehouse.number(
                                "SELECT count(*) FROM (SELECT 1 FROM audit.load_audit"
                                        + " GROUP BY job_id, target_table, checkpoint_id, subtask"
                                        + " HAVING count(*) > 1) repeated"))
                .as("loads whose job id, checkpoint and subtask an earlier load had")
                .isPositive();
    }

    private static long loads(WarehouseTables warehouse, JobID job) throws Exception {
        return warehouse.number(
                "SELECT count(*) FROM audit.load_audit WHERE job_id = '" + job.toHexString() + "'");
    }
}
