package io.streamwarehouse.local.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The embedded MariaDB is a usable CDC source: binlog settings, real accounts, real grants. */
class MariaDbServiceITCase {

    @RegisterExtension static final MariaDbExtension MARIADB = new MariaDbExtension();

    @Test
    void serverIsConfiguredForRowBasedCdcOnLoopbackOnly() throws SQLException {
        MariaDbService mariaDb = MARIADB.service();

        try (Connection c = mariaDb.openConnection(null);
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT @@log_bin, @@binlog_format, @@binlog_row_image,"
                                        + " @@server_id, @@bind_address, @@skip_grant_tables,"
                                        + " @@time_zone, @@character_set_server")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).as("log_bin").isEqualTo(1);
            assertThat(rs.getString(2)).as("binlog_format").isEqualTo("ROW");
            assertThat(rs.getString(3)).as("binlog_row_image").isEqualTo("FULL");
            assertThat(rs.getInt(4)).as("server_id").isEqualTo(mariaDb.serverId());
            assertThat(rs.getString(5)).as("bind_address").isEqualTo("127.0.0.1");
            assertThat(rs.getInt(6)).as("skip_grant_tables").isZero();
            assertThat(rs.getString(7)).as("time_zone").isEqualTo("+00:00");
            assertThat(rs.getString(8)).as("character_set_server").isEqualTo("utf8mb4");
        }
        assertThat(mariaDb.host()).isEqualTo("127.0.0.1");
        assertThat(mariaDb.jdbcUrl("shop"))
                .isEqualTo("jdbc:mysql://127.0.0.1:" + mariaDb.port() + "/shop");
    }

    @Test
    void passwordsAreCheckedAndGrantsEnforced() throws SQLException {
        MariaDbService mariaDb = MARIADB.service();
        String granted = MARIADB.newDatabase("granted");
        String other = MARIADB.newDatabase("other");
        mariaDb.execute(granted, "CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1)");
        mariaDb.execute(other, "CREATE TABLE t (id INT PRIMARY KEY)");
        String user = "cdc_" + granted;
        mariaDb.createCdcUser(user, "s3cret-Pass", granted);

        assertThatThrownBy(
                        () -> DriverManager.getConnection(mariaDb.jdbcUrl(granted), user, "wrong"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("Access denied");
        assertThatThrownBy(
                        () ->
                                DriverManager.getConnection(
                                        mariaDb.jdbcUrl(granted), mariaDb.rootUser(), "wrong"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("Access denied");

        try (Connection c =
                        DriverManager.getConnection(mariaDb.jdbcUrl(granted), user, "s3cret-Pass");
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT id FROM t")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
            // The CDC account reads binlog positions but may not write or look elsewhere.
            try (ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("File")).startsWith("mariadb-bin.");
            }
            assertThatThrownBy(() -> s.execute("INSERT INTO t VALUES (2)"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("denied");
            assertThatThrownBy(() -> s.executeQuery("SELECT * FROM `" + other + "`.t"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("denied");
        }
    }

    @Test
    void scriptsWithDelimiterRunThroughTheClient(@TempDir Path dir) throws Exception {
        MariaDbService mariaDb = MARIADB.service();
        String database = MARIADB.newDatabase("script");
        Path script = dir.resolve("schema.sql");
        Files.writeString(
                script,
                String.join(
                        "\n",
                        "CREATE TABLE film (id INT PRIMARY KEY, title VARCHAR(64));",
                        "CREATE TABLE film_text (id INT PRIMARY KEY, title VARCHAR(64));",
                        "DELIMITER ;;",
                        "CREATE TRIGGER ins_film AFTER INSERT ON film FOR EACH ROW BEGIN",
                        "  INSERT INTO film_text (id, title) VALUES (new.id, new.title);",
                        "END;;",
                        "DELIMITER ;",
                        "INSERT INTO film VALUES (1, 'ACADEMY DINOSAUR');",
                        ""));

        mariaDb.executeScript(script, database);

        try (Connection c = mariaDb.openConnection(database);
                ResultSet rs = c.createStatement().executeQuery("SELECT title FROM film_text")) {
            List<String> titles = new ArrayList<>();
            while (rs.next()) {
                titles.add(rs.getString(1));
            }
            assertThat(titles).containsExactly("ACADEMY DINOSAUR");
        }
    }

    @Test
    void aFailingScriptFails(@TempDir Path dir) throws Exception {
        String database = MARIADB.newDatabase("broken");
        Path script = dir.resolve("broken.sql");
        Files.writeString(script, "CREATE TABLE t (id INT PRIMARY KEY);\nSELECT * FROM missing;\n");

        assertThatThrownBy(() -> MARIADB.service().executeScript(script, database))
                .isInstanceOf(IllegalStateException.class);
    }
}
