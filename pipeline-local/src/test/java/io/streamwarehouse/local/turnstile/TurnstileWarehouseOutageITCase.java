package io.streamwarehouse.local.turnstile;

import static io.streamwarehouse.local.turnstile.TurnstileAssertions.assertRecoversToTheOracle;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.local.services.KafkaExtension;
import io.streamwarehouse.local.services.PostgresExtension;
import io.streamwarehouse.local.turnstile.WarehouseTables.Table;
import io.streamwarehouse.samples.turnstile.TurnstileWeekGenerator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.api.common.JobStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warehouse goes away in the middle of a replay: PostgreSQL is stopped (its connections cut)
 * and started again on the same port and data only after the job has failed over three times. The
 * job retries its writes, gives up on them after {@code warehouse.retry-timeout} (5 s here), fails
 * over, keeps restarting with growing backoff while the warehouse is down, and recovers by itself
 * once it is back. The warehouse then holds exactly the rows the SQL oracle computes from the
 * records, each loaded once.
 */
class TurnstileWarehouseOutageITCase {
    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
    @RegisterExtension static final SharedFlinkCluster FLINK = new SharedFlinkCluster();

    /** Three failovers take about 5 s of retries each plus 1, 2 and 4 s of restart backoff. */
    private static final Duration OUTAGE_LIMIT = Duration.ofMinutes(2);

    /** The restart backoff after the outage (at most a minute) and the rest of the week. */
    private static final Duration RECOVERY = Duration.ofMinutes(3);

    private static final TurnstileWeekGenerator WEEK = new TurnstileWeekGenerator(61L);

    @TempDir Path dir;

    @Test
    void aMinuteWithoutTheWarehouseEndsInTheRowsOfARunWithout() throws Exception {
        String topic = KAFKA.newTopic("outage");
        PipelineConfig config =
                TurnstileJobRun.config(
                        POSTGRES,
                        POSTGRES.newDatabase("outage"),
                        KAFKA,
                        topic,
                        dir,
                        Map.of("warehouse.retry-timeout", "5 s"));
        WarehouseTables warehouse = new WarehouseTables(config);
        Corpus corpus = Corpus.weekThenFlush(WEEK);
        int third = corpus.unpublished() / 3;

        TurnstileJobRun run = TurnstileJobRun.start(FLINK.cluster(), config, false, null);
        try (KafkaRecords kafka = new KafkaRecords(KAFKA.bootstrapServers())) {
            corpus.publish(kafka, topic, third);
            run.awaitWarehouse("the first loads", () -> warehouse.count(Table.STATION_WINDOW) > 0);
            run.awaitMoreCheckpoints(2);

            POSTGRES.beginOutage();
            try {
                corpus.publish(kafka, topic, third);
                // the warehouse stays away until the job has given up on its writes and failed
                // over three times: restarting with growing backoff, never for good
                run.awaitFailovers(3, OUTAGE_LIMIT);
            } finally {
                POSTGRES.endOutage();
            }
            corpus.publish(kafka, topic);

            SqlOracle.install(warehouse, SqlOracle.Format.MTA_CSV, config, corpus.good());
            assertRecoversToTheOracle(run, warehouse, RECOVERY);
            assertThat(run.status()).isEqualTo(JobStatus.RUNNING);
        } finally {
            run.cancel();
        }
    }
}
