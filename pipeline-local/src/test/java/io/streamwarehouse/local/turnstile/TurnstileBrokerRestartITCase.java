package io.streamwarehouse.local.turnstile;

import static io.streamwarehouse.local.turnstile.TurnstileAssertions.assertRecoversToTheOracle;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.local.services.KafkaService;
import io.streamwarehouse.local.services.PostgresExtension;
import io.streamwarehouse.local.turnstile.WarehouseTables.Table;
import io.streamwarehouse.samples.turnstile.TurnstileWeekGenerator;
import io.streamwarehouse.warehouse.Migrations;
import io.streamwarehouse.warehouse.WarehouseConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.JobStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka broker stops in the middle of a replay, stays away while the job takes two checkpoints
 * without it, and starts again on its logs and port: the job resumes from its positions, and the
 * warehouse ends with exactly the rows the SQL oracle computes from the records, each loaded once:
 * nothing lost, nothing read twice into a window.
 */
class TurnstileBrokerRestartITCase {
    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final SharedFlinkCluster FLINK = new SharedFlinkCluster();

    private static final TurnstileWeekGenerator WEEK = new TurnstileWeekGenerator(71L);

    /** Its own broker, since the test stops it. */
    private static KafkaService kafka;

    @TempDir Path dir;

    @BeforeAll
    static void startBroker() {
        kafka = KafkaService.start();
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aBrokerRestartMidReplayLosesAndDoublesNothing() throws Exception {
        String topic = "restart";
        kafka.createTopic(topic, 1);
        String database = POSTGRES.newDatabase("broker_restart");
        Map<String, String> values = new HashMap<>();
        values.put("warehouse.jdbc-url", POSTGRES.jdbcUrl(database));
        values.put("warehouse.username", POSTGRES.service().username());
        values.put("warehouse.password", POSTGRES.service().password());
        values.put("kafka.bootstrap-servers", kafka.bootstrapServers());
        values.put("turnstile.topic", topic);
        values.put("turnstile.group-id", "turnstile-" + database);
        values.put("checkpoint.interval", "500 ms");
        values.put("checkpoint.dir", dir.toUri().toString());
        PipelineConfig config = PipelineConfig.of(values);
        Migrations.apply(WarehouseConnection.from(config));
        WarehouseTables warehouse = new WarehouseTables(config);

        Corpus corpus = Corpus.weekThenFlush(WEEK);
        int half = corpus.unpublished() / 2;

        TurnstileJobRun run = TurnstileJobRun.start(FLINK.cluster(), config, false, null);
        try {
            // one partition, so the oracle's arrival order is the topic's offset order
            try (KafkaRecords records = new KafkaRecords(kafka.bootstrapServers())) {
                corpus.publish(records, topic, half);
            }
            run.awaitWarehouse("the first loads", () -> warehouse.count(Table.STATION_WINDOW) > 0);

            kafka.stopBroker();
            try {
                // the broker stays away until the job has taken two checkpoints without it
                run.awaitMoreCheckpoints(2);
            } finally {
                kafka.startBroker();
            }
            try (KafkaRecords records = new KafkaRecords(kafka.bootstrapServers())) {
                corpus.publish(records, topic);
            }

            SqlOracle.install(warehouse, SqlOracle.Format.MTA_CSV, config, corpus.good());
            assertRecoversToTheOracle(run, warehouse, Duration.ofMinutes(3));
            assertThat(run.status()).isEqualTo(JobStatus.RUNNING);
        } finally {
            run.cancel();
        }
    }
}
