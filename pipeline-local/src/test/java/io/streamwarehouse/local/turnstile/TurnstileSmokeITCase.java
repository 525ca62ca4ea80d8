package io.streamwarehouse.local.turnstile;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.jobs.JobRuntime;
import io.streamwarehouse.jobs.TurnstileAggregatesJob;
import io.streamwarehouse.local.replay.TopicPublisher;
import io.streamwarehouse.local.replay.WeeklyFiles;
import io.streamwarehouse.local.services.KafkaExtension;
import io.streamwarehouse.local.services.PostgresExtension;
import io.streamwarehouse.turnstile.TurnstileWeekGenerator;
import io.streamwarehouse.warehouse.Migrations;
import io.streamwarehouse.warehouse.WarehouseConnection;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class TurnstileSmokeITCase {
    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @Test
    void generatedWeekEndsInStationWindows(@TempDir Path dir) throws Exception {
        String db = POSTGRES.newDatabase("smoke");
        String topic = KAFKA.newTopic("smoke");
        PipelineConfig config =
                PipelineConfig.of(
                        Map.of(
                                "warehouse.jdbc-url", POSTGRES.jdbcUrl(db),
                                "warehouse.username", POSTGRES.service().username(),
                                "warehouse.password", POSTGRES.service().password(),
                                "kafka.bootstrap-servers", KAFKA.bootstrapServers(),
                                "turnstile.topic", topic,
                                "checkpoint.interval", "1 s",
                                "checkpoint.dir", dir.resolve("cp").toUri().toString()));
        Migrations.apply(WarehouseConnection.from(config));
        Path week = dir.resolve("week.csv");
        new TurnstileWeekGenerator(7).writeWeeklyFile(week);
        try (TopicPublisher publisher = new TopicPublisher(KAFKA.bootstrapServers(), System.out)) {
            publisher.publish(topic, WeeklyFiles.read(List.of(week)), 0);
        }

        StreamExecutionEnvironment env =
                JobRuntime.configure(
                        StreamExecutionEnvironment.getExecutionEnvironment(
                                JobRuntime.flinkSettings(config)),
                        config);
        new TurnstileAggregatesJob(true).build(env, config);
        env.execute("smoke");

        try (Connection c = WarehouseConnection.from(config).open();
                ResultSet rs =
                        c.createStatement()
                                .executeQuery(
                                        "SELECT (SELECT count(*) FROM warehouse.station_window),"
                                                + " (SELECT count(*) FROM warehouse.turnstile_window),"
                                                + " (SELECT count(*) FROM audit.load_audit),"
                                                + " (SELECT count(*) FROM warehouse.turnstile_anomalies)")) {
            rs.next();
            System.out.printf(
                    "station=%d turnstile=%d audit=%d anomalies=%d%n",
                    rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
            assertThat(rs.getLong(1)).isPositive();
            assertThat(rs.getLong(2)).isPositive();
            assertThat(rs.getLong(3)).isPositive();
        }
    }
}
