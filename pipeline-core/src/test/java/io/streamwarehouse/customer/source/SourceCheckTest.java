package io.streamwarehouse.customer.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceCheckTest {

    private static final List<String> MYSQL8_GRANTS =
            List.of(
                    "GRANT RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `cdc`@`%`",
                    "GRANT SELECT ON `sakila`.* TO `cdc`@`%`");

    // MariaDB 10.5+ stores REPLICATION CLIENT as BINLOG MONITOR and shows it that way.
    private static final List<String> MARIADB_GRANTS =
            List.of(
                    "GRANT RELOAD, SHOW DATABASES, BINLOG MONITOR, REPLICATION SLAVE ON *.* TO `cdc`@`localhost`"
                            + " IDENTIFIED BY PASSWORD '*80B3C5F23FFE134D957B005DF37BD0CAAB6A8937'",
                    "GRANT SELECT ON `sakila`.* TO `cdc`@`localhost`");

    private static Map<String, String> goodMysql() {
        Map<String, String> s = new HashMap<>();
        s.put("log_bin", "ON");
        s.put("binlog_format", "ROW");
        s.put("binlog_row_image", "FULL");
        s.put("server_id", "1");
        s.put("current_user", "cdc@%");
        for (String t : SourceSchema.CAPTURED_TABLES) {
            s.put("table." + t, "BASE TABLE");
        }
        return s;
    }

    private static Map<String, String> goodPostgres() {
        Map<String, String> s = new HashMap<>();
        s.put("wal_level", "logical");
        s.put("max_replication_slots", "4");
        s.put("replication_slots_used", "1");
        s.put("max_wal_senders", "4");
        s.put("current_user", "cdc");
        s.put("current_schema", "public");
        s.put("rolreplication", "true");
        s.put("rolsuper", "false");
        for (String t : SourceSchema.CAPTURED_TABLES) {
            s.put("replica_identity." + t, "f");
            s.put("primary_key." + t, "true");
            s.put("select." + t, "true");
            s.put("publication." + t, SourceSchema.PUBLICATION);
        }
        return s;
    }

    @Test
    void correctlyConfiguredMysqlAndMariaDbHaveNoProblems() {
        assertThat(MysqlSourceCheck.problems(goodMysql(), MYSQL8_GRANTS, "sakila")).isEmpty();
        assertThat(MysqlSourceCheck.problems(goodMysql(), MARIADB_GRANTS, "sakila")).isEmpty();
        // MySQL reports log_bin as 1 through @@GLOBAL, MariaDB as ON: both mean enabled.
        Map<String, String> numeric = goodMysql();
        numeric.put("log_bin", "1");
        assertThat(MysqlSourceCheck.problems(numeric, MYSQL8_GRANTS, "sakila")).isEmpty();
    }

    @Test
    void statementBinlogFormatSaysExactlyWhatToChange() {
        Map<String, String> s = goodMysql();
        s.put("binlog_format", "STATEMENT");
        assertThat(MysqlSourceCheck.problems(s, MYSQL8_GRANTS, "sakila"))
                .extracting(SourceCheck.Problem::message)
                .containsExactly(
                        "binlog_format is STATEMENT; set binlog_format=ROW in my.cnf [mysqld] and restart");
    }

    @Test
    void everyBinlogProblemIsReportedAtOnce() {
        Map<String, String> s = goodMysql();
        s.put("log_bin", "OFF");
        s.put("binlog_format", "MIXED");
        s.put("binlog_row_image", "MINIMAL");
        s.put("server_id", "0");
        List<SourceCheck.Problem> problems = MysqlSourceCheck.problems(s, MYSQL8_GRANTS, "sakila");
        assertThat(problems)
                .extracting(SourceCheck.Problem::setting)
                .containsExactly("log_bin", "binlog_format", "binlog_row_image", "server_id");
        assertThat(problems).allMatch(SourceCheck.Problem::fatal);
        assertThat(problems.get(2).message())
                .startsWith(
                        "binlog_row_image is MINIMAL; set binlog_row_image=FULL in my.cnf [mysqld] and restart");
    }

    @Test
    void missingTablesAndGrantsNameTheScriptThatFixesThem() {
        Map<String, String> s = goodMysql();
        s.remove("table.address");
        List<SourceCheck.Problem> problems =
                MysqlSourceCheck.problems(
                        s, List.of("GRANT SELECT ON `sakila`.* TO `cdc`@`%`"), "sakila");
        assertThat(problems)
                .extracting(SourceCheck.Problem::setting)
                .containsExactly(
                        "table.address",
                        "grant.RELOAD",
                        "grant.SHOW DATABASES",
                        "grant.REPLICATION SLAVE",
                        "grant.REPLICATION CLIENT");
        assertThat(problems.get(0).message())
                .contains("table address is missing in database sakila or not visible to 'cdc'@'%'")
                .contains("sql/source/mysql/V1__sakila_customer_tables.sql");
        assertThat(problems.get(3).message())
                .isEqualTo(
                        "'cdc'@'%' lacks REPLICATION SLAVE on *.*; run GRANT REPLICATION SLAVE ON *.* TO"
                                + " 'cdc'@'%' (see sql/source/mysql/cdc_user.sql)");
    }

    @Test
    void grantParsingAcceptsEquivalentForms() {
        assertThat(
                        MysqlSourceCheck.missingGrants(
                                List.of(
                                        "GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION"),
                                "sakila"))
                .isEmpty();
        // SELECT on each captured table (even column-limited lists parse) is as good as on the
        // database.
        assertThat(
                        MysqlSourceCheck.missingGrants(
                                List.of(
                                        "GRANT RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `c`@`%`",
                                        "GRANT SELECT, INSERT (email, first_name) ON `sakila`.`customer` TO `c`@`%`",
                                        "GRANT SELECT ON `sakila`.`address` TO `c`@`%`",
                                        "GRANT SELECT ON `sakila`.`city` TO `c`@`%`",
                                        "GRANT SELECT ON `sakila`.`country` TO `c`@`%`",
                                        "GRANT `some_role` TO `c`@`%`"),
                                "sakila"))
                .isEmpty();
        // SELECT on another database does not count.
        assertThat(
                        MysqlSourceCheck.missingGrants(
                                List.of(
                                        "GRANT RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `c`@`%`",
                                        "GRANT SELECT ON `other`.* TO `c`@`%`"),
                                "sakila"))
                .containsExactly("SELECT");
    }

    @Test
    void correctlyConfiguredPostgresHasNoProblems() {
        assertThat(PostgresSourceCheck.problems(goodPostgres(), SourceSchema.PUBLICATION, "slot"))
                .isEmpty();
    }

    @Test
    void walLevelReplicaSaysExactlyWhatToChange() {
        Map<String, String> s = goodPostgres();
        s.put("wal_level", "replica");
        assertThat(PostgresSourceCheck.problems(s, SourceSchema.PUBLICATION, null))
                .extracting(SourceCheck.Problem::message)
                .containsExactly(
                        "wal_level is replica; set wal_level = logical in postgresql.conf (or ALTER SYSTEM"
                                + " SET wal_level = logical) and restart PostgreSQL");
    }

    @Test
    void fullSlotsAreOnlyAProblemWhenTheJobNeedsANewSlot() {
        Map<String, String> s = goodPostgres();
        s.put("max_replication_slots", "2");
        s.put("replication_slots_used", "2");
        assertThat(PostgresSourceCheck.problems(s, SourceSchema.PUBLICATION, "dim_slot"))
                .extracting(SourceCheck.Problem::setting)
                .containsExactly("max_replication_slots");
        // A restarted job finds its own slot among the used ones.
        s.put("slot.dim_slot", "pgoutput,false");
        assertThat(PostgresSourceCheck.problems(s, SourceSchema.PUBLICATION, "dim_slot")).isEmpty();
    }

    @Test
    void missingReplicationAttributeSelectAndPublicationAreFatal() {
        Map<String, String> s = goodPostgres();
        s.put("rolreplication", "false");
        s.put("select.customer", "false");
        s.put("publication.city", "some_other_pub");
        s.put("max_wal_senders", "0");
        List<SourceCheck.Problem> problems =
                PostgresSourceCheck.problems(s, SourceSchema.PUBLICATION, null);
        assertThat(problems)
                .extracting(SourceCheck.Problem::setting)
                .containsExactlyInAnyOrder(
                        "max_wal_senders", "rolreplication", "select.customer", "publication.city");
        assertThat(problems).allMatch(SourceCheck.Problem::fatal);
        assertThat(problems)
                .extracting(SourceCheck.Problem::message)
                .contains(
                        "role cdc lacks the REPLICATION attribute; run ALTER ROLE cdc WITH REPLICATION as a"
                                + " superuser (see sql/source/postgres/cdc_user.sql)");
    }

    @Test
    void superuserNeedsNoReplicationAttribute() {
        Map<String, String> s = goodPostgres();
        s.put("rolreplication", "false");
        s.put("rolsuper", "true");
        assertThat(PostgresSourceCheck.problems(s, SourceSchema.PUBLICATION, null)).isEmpty();
    }

    @Test
    void everyReplicaIdentityButFullIsAnErrorThatSaysWhatToRun() {
        Map<String, String> s = goodPostgres();
        s.put("replica_identity.address", "d");
        s.put("replica_identity.city", "i");
        s.put("replica_identity.country", "n");
        List<SourceCheck.Problem> problems =
                PostgresSourceCheck.problems(s, SourceSchema.PUBLICATION, null);
        assertThat(problems)
                .extracting(SourceCheck.Problem::setting)
                .containsExactly(
                        "replica_identity.country",
                        "replica_identity.city",
                        "replica_identity.address");
        assertThat(problems).extracting(SourceCheck.Problem::fatal).containsOnly(true);
        assertThat(problems)
                .extracting(SourceCheck.Problem::message)
                .anyMatch(m -> m.contains("REPLICA IDENTITY NOTHING"))
                .anyMatch(m -> m.contains("REPLICA IDENTITY USING INDEX"));
        assertThat(problems.get(2).message())
                .startsWith("table address has REPLICA IDENTITY DEFAULT")
                .contains("run ALTER TABLE public.address REPLICA IDENTITY FULL");
    }

    @Test
    void missingTableIsReportedOnce() {
        Map<String, String> s = goodPostgres();
        s.keySet().removeIf(k -> k.endsWith(".country"));
        assertThat(PostgresSourceCheck.problems(s, SourceSchema.PUBLICATION, null))
                .extracting(SourceCheck.Problem::setting)
                .containsExactly("table.country");
    }

    @Test
    void verifyThrowsWithEveryProblemAndReturnsWarnings() throws Exception {
        FakeJdbc broken =
                new FakeJdbc()
                        .answer(
                                "'log_bin'",
                                new Object[] {"log_bin", "ON"},
                                new Object[] {"binlog_format", "STATEMENT"},
                                new Object[] {"binlog_row_image", "FULL"},
                                new Object[] {"server_id", "1"},
                                new Object[] {"current_user", "cdc@%"},
                                new Object[] {"table.country", "BASE TABLE"},
                                new Object[] {"table.city", "BASE TABLE"},
                                new Object[] {"table.address", "BASE TABLE"},
                                new Object[] {"table.customer", "BASE TABLE"})
                        .answer(
                                "SHOW GRANTS",
                                new Object[] {MYSQL8_GRANTS.get(0)},
                                new Object[] {"GRANT SELECT ON `sakila_test`.* TO `cdc`@`%`"});
        assertThatThrownBy(() -> SourceCheck.verify(broken.connection(), SourceDialect.MYSQL))
                .isInstanceOf(SourceNotReadyException.class)
                .hasMessage(
                        "The mysql source is not ready for change data capture:\n"
                                + " - binlog_format is STATEMENT; set binlog_format=ROW in my.cnf [mysqld] and restart");

        Map<String, String> pg = goodPostgres();
        pg.put("slot.dim_slot", "pgoutput,true");
        FakeJdbc warned =
                new FakeJdbc()
                        .answer(
                                "'wal_level'",
                                pg.entrySet().stream()
                                        .map(e -> new Object[] {e.getKey(), e.getValue()})
                                        .toArray(Object[][]::new));
        assertThat(SourceCheck.verify(warned.connection(), SourceDialect.POSTGRES, "dim_slot"))
                .extracting(SourceCheck.Problem::setting)
                .containsExactly("slot.dim_slot");
    }
}
