package io.streamwarehouse.local.sandbox;

import io.streamwarehouse.customer.source.SourceDialect;
import io.streamwarehouse.customer.source.SourceSchema;
import io.streamwarehouse.local.services.LocalServices;
import io.streamwarehouse.local.services.Passwords;
import io.streamwarehouse.samples.customer.SakilaSampleData;
import io.streamwarehouse.warehouse.Migrations;
import io.streamwarehouse.warehouse.WarehouseConnection;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;

/**
 * Makes started services ready for the pipeline: the Sakila-shaped source tables with the generated
 * sample data, the migrated warehouse and the turnstile topic. Idempotent, so a second run against
 * the same services changes nothing.
 */
public final class SampleWarehouse {
    public static final String SOURCE_DATABASE = "sakila";
    public static final String WAREHOUSE_DATABASE = "warehouse";
    public static final String TOPIC = "mta-turnstile";
    public static final long SAMPLE_SEED = 2005L;
    public static final String SIMULATOR_USERNAME = "PIPELINE_SIMULATOR_USERNAME";
    public static final String SIMULATOR_PASSWORD = "PIPELINE_SIMULATOR_PASSWORD";

    private SampleWarehouse() {}

    /**
     * Loads the sample into a PostgreSQL source database on the embedded PostgreSQL (tables,
     * publication, CDC role) and points the settings at it instead of MariaDB.
     */
    public static void usePostgresSource(LocalServices services, Map<String, String> env)
            throws Exception {
        var postgres = services.postgres();
        postgres.createDatabase(SOURCE_DATABASE);
        String password = Passwords.random();
        try (Connection source = postgres.openConnection(SOURCE_DATABASE)) {
            SourceSchema.createTables(source, SourceDialect.POSTGRES);
            SakilaSampleData.generate(SAMPLE_SEED).loadIfEmpty(source, SourceDialect.POSTGRES);
            SourceSchema.createCdcUser(source, SourceDialect.POSTGRES, "pipeline_cdc", password);
        }
        env.put("PIPELINE_SOURCE_TYPE", "postgres");
        env.put("PIPELINE_SOURCE_HOSTNAME", postgres.host());
        env.put("PIPELINE_SOURCE_PORT", String.valueOf(postgres.port()));
        env.put("PIPELINE_SOURCE_DATABASE", SOURCE_DATABASE);
        env.put("PIPELINE_SOURCE_USERNAME", "pipeline_cdc");
        env.put("PIPELINE_SOURCE_PASSWORD", password);
        env.put(SIMULATOR_USERNAME, postgres.username());
        env.put(SIMULATOR_PASSWORD, postgres.password());
    }

    /**
     * @param partitions of the turnstile topic
     * @return the pipeline settings for these services, as environment variables; the warehouse
     *     credentials are those of the jobs' limited login, not the owner's
     */
    public static Map<String, String> provision(LocalServices services, int partitions)
            throws Exception {
        Map<String, String> env = services.environment(SOURCE_DATABASE, WAREHOUSE_DATABASE);
        if (services.mariaDbIfStarted().isPresent()) {
            try (Connection source = services.mariaDb().openConnection(SOURCE_DATABASE)) {
                SourceSchema.createTables(source, SourceDialect.MYSQL);
                SakilaSampleData.generate(SAMPLE_SEED).loadIfEmpty(source, SourceDialect.MYSQL);
            }
            // the CDC user may only read; simulate-changes writes as the administrator
            env.put(SIMULATOR_USERNAME, services.mariaDb().rootUser());
            env.put(SIMULATOR_PASSWORD, services.mariaDb().rootPassword());
        }
        if (services.postgresIfStarted().isPresent()) {
            // the owner migrates; the jobs get a login that may only read and write rows
            Migrations.apply(
                    new WarehouseConnection(
                            env.get("PIPELINE_WAREHOUSE_JDBC_URL"),
                            env.get("PIPELINE_WAREHOUSE_USERNAME"),
                            env.get("PIPELINE_WAREHOUSE_PASSWORD"),
                            Duration.ofSeconds(30)));
            env.putAll(services.createWarehouseJobLogin());
        }
        if (services.kafkaIfStarted().isPresent()) {
            try {
                services.kafka().createTopic(TOPIC, partitions);
            } catch (RuntimeException alreadyThere) {
                // a second provisioning run finds the topic: nothing to do
            }
            env.put("PIPELINE_TURNSTILE_TOPIC", TOPIC);
        }
        return env;
    }
}
