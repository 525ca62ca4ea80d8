package io.streamwarehouse.local.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.customer.SakilaSampleData;
import io.streamwarehouse.customer.SourceDialect;
import io.streamwarehouse.customer.SourceSchema;
import io.streamwarehouse.jobs.CustomerDimensionJob;
import io.streamwarehouse.jobs.JobRuntime;
import io.streamwarehouse.local.services.MariaDbExtension;
import io.streamwarehouse.local.services.PostgresExtension;
import io.streamwarehouse.warehouse.Migrations;
import io.streamwarehouse.warehouse.WarehouseConnection;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class CustomerSmokeITCase {
    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final MariaDbExtension MARIADB = new MariaDbExtension();

    @Test
    void snapshotFillsTheDimension(@TempDir Path dir) throws Exception {
        String source = MARIADB.newDatabase("sakila");
        String db = POSTGRES.newDatabase("dim");
        try (Connection c = MARIADB.service().openConnection(source)) {
            SourceSchema.createTables(c, SourceDialect.MYSQL);
            SakilaSampleData.generate(1).loadInto(c, SourceDialect.MYSQL);
            SourceSchema.createCdcUser(c, SourceDialect.MYSQL, "cdc_smoke", "cdc-pw-1");
        }
        PipelineConfig config =
                PipelineConfig.of(
                        Map.ofEntries(
                                Map.entry("source.hostname", "127.0.0.1"),
                                Map.entry("source.port", "" + MARIADB.service().port()),
                                Map.entry("source.database", source),
                                Map.entry("source.username", "cdc_smoke"),
                                Map.entry("source.password", "cdc-pw-1"),
                                Map.entry("warehouse.jdbc-url", POSTGRES.jdbcUrl(db)),
                                Map.entry("warehouse.username", POSTGRES.service().username()),
                                Map.entry("warehouse.password", POSTGRES.service().password()),
                                Map.entry("checkpoint.interval", "1 s"),
                                Map.entry("checkpoint.dir", dir.resolve("cp").toUri().toString())));
        Migrations.apply(WarehouseConnection.from(config));
        CustomerDimensionJob job = new CustomerDimensionJob();
        job.preflight(config);
        StreamExecutionEnvironment env =
                JobRuntime.configure(
                        StreamExecutionEnvironment.getExecutionEnvironment(
                                JobRuntime.flinkSettings(config)),
                        config);
        job.build(env, config);
        JobClient client = env.executeAsync("customer-smoke");
        try {
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(250))
                    .untilAsserted(
                            () ->
                                    assertThat(count(config, "warehouse.dim_customer"))
                                            .isEqualTo(SakilaSampleData.CUSTOMERS));
        } finally {
            client.cancel().get();
        }
    }

    private static long count(PipelineConfig config, String table) throws Exception {
        try (Connection c = WarehouseConnection.from(config).open();
                ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
