package io.streamwarehouse.local.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The sandbox's services start together and describe themselves in the launcher's terms. */
class LocalServicesITCase {

    private static final Logger LOG = LoggerFactory.getLogger(LocalServicesITCase.class);

    @Test
    void startsAllThreeAndHandsTheLauncherWorkingSettings() throws Exception {
        int chosenPostgresPort = portFreeRightNow();
        int mariaDbPort;
        int kafkaPort;

        try (LocalServices services =
                LocalServices.builder().postgresPort(chosenPostgresPort).start()) {
            LOG.info(
                    "Side by side in {} ms: MariaDB {} ms, PostgreSQL {} ms, Kafka {} ms",
                    services.startupTime().toMillis(),
                    services.mariaDb().startupTime().toMillis(),
                    services.postgres().startupTime().toMillis(),
                    services.kafka().startupTime().toMillis());
            mariaDbPort = services.mariaDb().port();
            kafkaPort = services.kafka().port();
            assertThat(services.postgres().port()).isEqualTo(chosenPostgresPort);

            Map<String, String> env = services.environment("sakila", "warehouse");

            assertThat(env.keySet())
                    .containsExactly(
                            "PIPELINE_SOURCE_TYPE",
                            "PIPELINE_SOURCE_HOSTNAME",
                            "PIPELINE_SOURCE_PORT",
                            "PIPELINE_SOURCE_DATABASE",
                            "PIPELINE_SOURCE_USERNAME",
                            "PIPELINE_SOURCE_PASSWORD",
                            "PIPELINE_WAREHOUSE_JDBC_URL",
                            "PIPELINE_WAREHOUSE_USERNAME",
                            "PIPELINE_WAREHOUSE_PASSWORD",
                            "PIPELINE_KAFKA_BOOTSTRAP_SERVERS");
            assertThat(env)
                    .containsEntry("PIPELINE_SOURCE_TYPE", "mysql")
                    .containsEntry("PIPELINE_SOURCE_HOSTNAME", "127.0.0.1")
                    .containsEntry("PIPELINE_SOURCE_PORT", String.valueOf(mariaDbPort))
                    .containsEntry("PIPELINE_SOURCE_DATABASE", "sakila")
                    .containsEntry("PIPELINE_SOURCE_USERNAME", LocalServices.CDC_USER)
                    .containsEntry(
                            "PIPELINE_WAREHOUSE_JDBC_URL",
                            "jdbc:postgresql://127.0.0.1:" + chosenPostgresPort + "/warehouse")
                    .containsEntry("PIPELINE_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + kafkaPort);
            assertThat(services.environment("sakila", "warehouse"))
                    .as("asking twice changes nothing")
                    .isEqualTo(env);

            sourceIsReadableButNotWritableWith(env);
            warehouseIsWritableWith(env);
            try (Admin admin =
                    Admin.create(
                            Map.of(
                                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                    env.get("PIPELINE_KAFKA_BOOTSTRAP_SERVERS")))) {
                assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
            }
        }

        assertThat(Ports.isFree(chosenPostgresPort)).as("PostgreSQL port after close").isTrue();
        assertThat(Ports.isFree(mariaDbPort)).as("MariaDB port after close").isTrue();
        assertThat(Ports.isFree(kafkaPort)).as("Kafka port after close").isTrue();
    }

    @Test
    void startsOnlyTheChosenServices() {
        try (LocalServices services =
                LocalServices.builder().withMariaDb(false).withKafka(false).start()) {
            assertThat(services.postgresIfStarted()).isPresent();
            assertThat(services.mariaDbIfStarted()).isEmpty();
            assertThat(services.kafkaIfStarted()).isEmpty();
            assertThatThrownBy(services::mariaDb)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("MariaDB was not started");
            assertThat(services.environment("sakila", "warehouse").keySet())
                    .containsExactly(
                            "PIPELINE_WAREHOUSE_JDBC_URL",
                            "PIPELINE_WAREHOUSE_USERNAME",
                            "PIPELINE_WAREHOUSE_PASSWORD");
        }
    }

    @Test
    void aBusyChosenPortFailsAtOnceNamingPortAndService() throws IOException {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = busy.getLocalPort();

            assertThatThrownBy(() -> LocalServices.builder().mariaDbPort(port).start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("MariaDB")
                    .hasMessageContaining("port " + port + " ")
                    .hasMessageContaining("already in use");
            assertThatThrownBy(() -> LocalServices.builder().postgresPort(port).start())
                    .hasMessageContaining("PostgreSQL")
                    .hasMessageContaining("port " + port + " ");
            assertThatThrownBy(() -> LocalServices.builder().kafkaPort(port).start())
                    .hasMessageContaining("Kafka")
                    .hasMessageContaining("port " + port + " ");
            assertThatThrownBy(() -> PostgresService.builder().port(port).start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("port " + port + " ");
        }
    }

    private static void sourceIsReadableButNotWritableWith(Map<String, String> env)
            throws SQLException {
        String url =
                "jdbc:mysql://"
                        + env.get("PIPELINE_SOURCE_HOSTNAME")
                        + ":"
                        + env.get("PIPELINE_SOURCE_PORT")
                        + "/"
                        + env.get("PIPELINE_SOURCE_DATABASE");
        try (Connection c =
                        DriverManager.getConnection(
                                url,
                                env.get("PIPELINE_SOURCE_USERNAME"),
                                env.get("PIPELINE_SOURCE_PASSWORD"));
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT DATABASE(), @@log_bin")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("sakila");
                assertThat(rs.getInt(2)).isEqualTo(1);
            }
            assertThatThrownBy(() -> s.execute("CREATE TABLE t (id INT)"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("denied");
        }
    }

    private static void warehouseIsWritableWith(Map<String, String> env) throws SQLException {
        try (Connection c =
                        DriverManager.getConnection(
                                env.get("PIPELINE_WAREHOUSE_JDBC_URL"),
                                env.get("PIPELINE_WAREHOUSE_USERNAME"),
                                env.get("PIPELINE_WAREHOUSE_PASSWORD"));
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS audit");
            try (ResultSet rs = s.executeQuery("SELECT current_database()")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("warehouse");
            }
        }
    }

    /** A port nothing listens on at this moment, picked by the operating system. */
    private static int portFreeRightNow() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
