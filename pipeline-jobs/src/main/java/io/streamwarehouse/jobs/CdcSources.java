package io.streamwarehouse.jobs;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.customer.ChangeEventDeserializer;
import io.streamwarehouse.customer.CustomerOptions;
import io.streamwarehouse.customer.source.SourceConnection;
import io.streamwarehouse.customer.source.SourceDialect;
import io.streamwarehouse.customer.source.SourceSchema;
import java.util.Properties;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.cdc.connectors.base.options.StartupOptions;
import org.apache.flink.cdc.connectors.mysql.source.MySqlSource;
import org.apache.flink.cdc.connectors.postgres.source.PostgresSourceBuilder.PostgresIncrementalSource;

/**
 * The customer job's CDC source for the configured database: an initial snapshot, then the change
 * log, with its position in Flink's checkpoints (exactly-once reads). Events stay Debezium JSON so
 * the staging table can keep the before/after images as they were.
 *
 * <p>Both sources deserialize with {@link ChangeEventDeserializer}, which adds the connector offset
 * to the JSON: on MariaDB 11.4+ the event position in Debezium's {@code source} block is negative
 * inside transactions, and only the offset gives every change a usable position and version.
 */
final class CdcSources {
    private CdcSources() {}

    static Properties debeziumDriverProperties(PipelineConfig config) {
        Properties debezium = new Properties();
        SourceConnection.mysqlDriverProperties(config)
                .forEach((key, value) -> debezium.put("database." + key, value));
        // How often the binlog client checks its connection and reconnects after the server
        // restarted; at Debezium's default of a minute the dimension fell up to two minutes behind.
        debezium.put("connect.keep.alive.interval.ms", "5000");
        // A key widened to BIGINT UNSIGNED (a table that outgrew INTEGER) arrives as a plain
        // number, not Debezium's default precise decimal (base64 bytes): keys that still fit keep
        // moving the dimension, and only the rows past INTEGER are rejected.
        debezium.put("bigint.unsigned.handling.mode", "long");
        // The CDC source hands its server-time-zone to Debezium as the driver's obsolete
        // serverTimezone, and Debezium warns about that on every connection unless the current
        // name, connectionTimeZone, is set too: the same zone under the name it asks for.
        debezium.setProperty(
                "database.connectionTimeZone", config.get(CustomerOptions.SOURCE_SERVER_TIME_ZONE));
        return debezium;
    }

    static Source<String, ?, ?> create(PipelineConfig config) {
        String database = config.get(CustomerOptions.SOURCE_DATABASE);
        String[] tables = SourceSchema.CAPTURED_TABLES.toArray(String[]::new);
        if (config.get(CustomerOptions.SOURCE_TYPE) == SourceDialect.MYSQL) {
            String[] qualified = new String[tables.length];
            for (int i = 0; i < tables.length; i++) {
                qualified[i] = database + "." + tables[i];
            }
            // a restore whose binlog file was purged fails for good with what to do
            return PurgedLogGuard.around(
                    MySqlSource.<String>builder()
                            .hostname(config.get(CustomerOptions.SOURCE_HOSTNAME))
                            .port(CustomerOptions.sourcePort(config))
                            .databaseList(database)
                            .tableList(qualified)
                            .username(config.get(CustomerOptions.SOURCE_USERNAME))
                            .password(config.get(CustomerOptions.SOURCE_PASSWORD))
                            .serverId(config.get(CustomerOptions.SOURCE_SERVER_ID))
                            .serverTimeZone(config.get(CustomerOptions.SOURCE_SERVER_TIME_ZONE))
                            .startupOptions(
                                    org.apache.flink.cdc.connectors.mysql.table.StartupOptions
                                            .initial())
                            .deserializer(new ChangeEventDeserializer())
                            .splitSize(config.get(CustomerOptions.SOURCE_SNAPSHOT_CHUNK_SIZE))
                            .fetchSize(config.get(CustomerOptions.SOURCE_SNAPSHOT_FETCH_SIZE))
                            // the source's own connection pool, and Debezium's connection, which
                            // takes
                            // driver settings prefixed with "database."
                            .jdbcProperties(SourceConnection.mysqlDriverProperties(config))
                            .debeziumProperties(debeziumDriverProperties(config))
                            .build());
        }
        String schema = config.get(CustomerOptions.SOURCE_SCHEMA);
        String[] qualified = new String[tables.length];
        for (int i = 0; i < tables.length; i++) {
            qualified[i] = schema + "." + tables[i];
        }
        Properties debezium = new Properties();
        // the CDC user owns no tables, so it cannot create a publication: use the one that
        // sql/source/postgres made
        debezium.setProperty("publication.name", SourceSchema.PUBLICATION);
        debezium.setProperty("publication.autocreate.mode", "disabled");
        return PostgresIncrementalSource.<String>builder()
                .hostname(config.get(CustomerOptions.SOURCE_HOSTNAME))
                .port(CustomerOptions.sourcePort(config))
                .database(database)
                .schemaList(schema)
                .tableList(qualified)
                .username(config.get(CustomerOptions.SOURCE_USERNAME))
                .password(config.get(CustomerOptions.SOURCE_PASSWORD))
                .slotName(config.get(CustomerOptions.SOURCE_SLOT_NAME))
                .decodingPluginName("pgoutput")
                .serverTimeZone(config.get(CustomerOptions.SOURCE_SERVER_TIME_ZONE))
                .startupOptions(StartupOptions.initial())
                .debeziumProperties(debezium)
                .deserializer(new ChangeEventDeserializer())
                .splitSize(config.get(CustomerOptions.SOURCE_SNAPSHOT_CHUNK_SIZE))
                .fetchSize(config.get(CustomerOptions.SOURCE_SNAPSHOT_FETCH_SIZE))
                .build();
    }
}
