package io.streamwarehouse.local.services;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.cdc.connectors.mysql.source.MySqlSource;
import org.apache.flink.cdc.connectors.mysql.table.StartupOptions;
import org.apache.flink.cdc.debezium.JsonDebeziumDeserializationSchema;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Flink CDC reads the embedded MariaDB: the snapshot first, then, after a checkpoint, changes from
 * the binlog, through an account that holds only the CDC grants.
 */
class MariaDbCdcITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @RegisterExtension static final MariaDbExtension MARIADB = new MariaDbExtension();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(90);
    private static final ExecutorService READER = Executors.newSingleThreadExecutor();

    @AfterAll
    static void stopReader() {
        READER.shutdownNow();
    }

    @Test
    void snapshotThenInsertAndUpdateFromTheBinlog() throws Exception {
        MariaDbService mariaDb = MARIADB.service();
        String database = MARIADB.newDatabase("sakila");
        mariaDb.execute(
                database,
                "CREATE TABLE customer (customer_id INT PRIMARY KEY, first_name VARCHAR(45) NOT"
                        + " NULL, last_update TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON"
                        + " UPDATE CURRENT_TIMESTAMP);"
                        + " INSERT INTO customer (customer_id, first_name) VALUES (1, 'MARY'),"
                        + " (2, 'PATRICIA')");
        String user = "cdc_" + database;
        String password = "cdc-" + database;
        mariaDb.createCdcUser(user, password, database);

        // by configuration, as the jobs do: no backend classes that move between Flink versions
        Configuration flink = new Configuration();
        flink.setString("state.backend.type", "rocksdb");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.setParallelism(1);
        env.enableCheckpointing(1000);
        MySqlSource<String> source =
                MySqlSource.<String>builder()
                        .hostname(mariaDb.host())
                        .port(mariaDb.port())
                        .databaseList(database)
                        .tableList(database + ".customer")
                        .username(user)
                        .password(password)
                        // Distinct from the server's own id and from any other source's range.
                        .serverId("5401-5404")
                        .serverTimeZone(mariaDb.serverTimeZone())
                        .startupOptions(StartupOptions.initial())
                        .deserializer(new JsonDebeziumDeserializationSchema())
                        .build();

        try (CloseableIterator<String> changes =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "mariadb-cdc")
                        .executeAndCollect("mariadb-cdc-itcase")) {
            List<JsonNode> snapshot = next(changes, 2);
            assertThat(snapshot).extracting(c -> c.get("op").asText()).containsOnly("r");
            assertThat(snapshot)
                    .extracting(c -> c.get("after").get("first_name").asText())
                    .containsExactlyInAnyOrder("MARY", "PATRICIA");

            mariaDb.execute(
                    database, "INSERT INTO customer (customer_id, first_name) VALUES (3, 'LINDA')");
            JsonNode insert = next(changes, 1).get(0);
            assertThat(insert.get("op").asText()).isEqualTo("c");
            assertThat(insert.get("before").isNull()).isTrue();
            assertThat(insert.get("after").get("customer_id").asInt()).isEqualTo(3);
            assertThat(insert.get("after").get("first_name").asText()).isEqualTo("LINDA");
            assertThat(insert.get("source").get("db").asText()).isEqualTo(database);
            assertThat(insert.get("source").get("file").asText()).startsWith("mariadb-bin.");

            mariaDb.execute(
                    database, "UPDATE customer SET first_name = 'BARBARA' WHERE customer_id = 1");
            JsonNode update = next(changes, 1).get(0);
            assertThat(update.get("op").asText()).isEqualTo("u");
            assertThat(update.get("before").get("first_name").asText()).isEqualTo("MARY");
            assertThat(update.get("after").get("first_name").asText()).isEqualTo("BARBARA");
        }
    }

    /** The next {@code count} change events, failing if they do not all arrive in time. */
    private static List<JsonNode> next(CloseableIterator<String> changes, int count)
            throws Exception {
        List<JsonNode> events = new ArrayList<>();
        long deadline = System.nanoTime() + CHANGE_TIMEOUT.toNanos();
        while (events.size() < count) {
            Future<String> read = READER.submit(() -> changes.hasNext() ? changes.next() : null);
            String event;
            try {
                event = read.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                read.cancel(true);
                throw new AssertionError(
                        "Only "
                                + events.size()
                                + " of "
                                + count
                                + " change events within "
                                + CHANGE_TIMEOUT
                                + ": "
                                + events,
                        e);
            }
            assertThat(event).as("the CDC job ended early").isNotNull();
            events.add(JSON.readTree(event));
        }
        return events;
    }
}
