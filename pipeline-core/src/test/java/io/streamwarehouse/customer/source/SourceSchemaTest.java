package io.streamwarehouse.customer.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SourceSchemaTest {

    private static final List<String> SCRIPTS =
            List.of(
                    "db/source/mysql/V1__sakila_customer_tables.sql",
                    "db/source/mysql/cdc_user.sql",
                    "db/source/mysql/check_binlog.sql",
                    "db/source/mysql/check_grants.sql",
                    "db/source/postgres/V1__sakila_customer_tables.sql",
                    "db/source/postgres/V2__customer_publication.sql",
                    "db/source/postgres/cdc_user.sql",
                    "db/source/postgres/check_wal.sql");

    @Test
    void splitsAtSemicolonsOutsideLiteralsCommentsAndDollarQuotes() {
        String script =
                "-- header; not a statement\n"
                        + "CREATE TABLE a (x TEXT DEFAULT 'a;b');\n"
                        + "/* block; comment */ INSERT INTO \"we;ird\" VALUES (1);\n"
                        + "DO $tag$ BEGIN PERFORM 1; END $tag$;\n"
                        + "CREATE FUNCTION f() RETURNS INT AS $$ SELECT 1; $$ LANGUAGE SQL;\n"
                        + "SELECT 'it''s; fine';";
        List<String> statements = SourceSchema.statements(script, SourceDialect.POSTGRES);
        assertThat(statements)
                .containsExactly(
                        "CREATE TABLE a (x TEXT DEFAULT 'a;b')",
                        "INSERT INTO \"we;ird\" VALUES (1)",
                        "DO $tag$ BEGIN PERFORM 1; END $tag$",
                        "CREATE FUNCTION f() RETURNS INT AS $$ SELECT 1; $$ LANGUAGE SQL",
                        "SELECT 'it''s; fine'");
    }

    @Test
    void mysqlBackslashEscapesAndBackticksDoNotEndAStatement() {
        // In MySQL \' inside a literal is an escaped quote, and backticks quote identifiers.
        String script = "SELECT 'a\\';b' FROM `x;y`; SELECT 2;";
        assertThat(SourceSchema.statements(script, SourceDialect.MYSQL))
                .containsExactly("SELECT 'a\\';b' FROM `x;y`", "SELECT 2");
    }

    @Test
    void unterminatedLiteralIsAnErrorNotASilentlyMergedStatement() {
        assertThatThrownBy(
                        () ->
                                SourceSchema.statements(
                                        "SELECT 'oops; SELECT 1;", SourceDialect.MYSQL))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fillReplacesEveryPlaceholderAndRefusesMissingOnes() {
        assertThat(SourceSchema.fill("GRANT ${a} TO ${b}, ${a}", Map.of("a", "X$1", "b", "Y")))
                .isEqualTo("GRANT X$1 TO Y, X$1");
        assertThatThrownBy(() -> SourceSchema.fill("GRANT ${a} TO ${b}", Map.of("a", "X")))
                .hasMessageContaining("${b}");
    }

    @Test
    void literalContentEscapesPerDialect() {
        assertThat(SourceSchema.literalContent(SourceDialect.MYSQL, "it's\\x"))
                .isEqualTo("it''s\\\\x");
        // PostgreSQL has standard_conforming_strings on: backslashes are plain characters.
        assertThat(SourceSchema.literalContent(SourceDialect.POSTGRES, "it's\\x"))
                .isEqualTo("it''s\\x");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "db/source/mysql/V1__sakila_customer_tables.sql",
                "db/source/mysql/cdc_user.sql",
                "db/source/mysql/check_binlog.sql",
                "db/source/mysql/check_grants.sql",
                "db/source/postgres/V1__sakila_customer_tables.sql",
                "db/source/postgres/V2__customer_publication.sql",
                "db/source/postgres/cdc_user.sql",
                "db/source/postgres/check_wal.sql"
            })
    void everyScriptIsOnTheClasspathWithAPurposeComment(String resource) {
        String script = SourceSchema.readScript(resource);
        assertThat(script).startsWith("-- Purpose: ");
        SourceDialect dialect =
                resource.contains("/mysql/") ? SourceDialect.MYSQL : SourceDialect.POSTGRES;
        assertThat(SourceSchema.statements(script, dialect)).isNotEmpty();
    }

    @Test
    void scriptKeywordsAreUpperCase() {
        // House style; checked on the keywords that start statements and clauses.
        Pattern lowerKeyword =
                Pattern.compile(
                        "(?m)^\\s*(create|alter|grant|select|insert|update|delete|drop|union|from|where|join)\\b");
        List<String> offenders = new ArrayList<>();
        for (String resource : SCRIPTS) {
            Matcher m = lowerKeyword.matcher(SourceSchema.readScript(resource));
            while (m.find()) {
                offenders.add(resource + ": " + m.group().trim());
            }
        }
        assertThat(offenders).isEmpty();
    }

    @Test
    void mysqlTablesKeepSakilaColumnsWithoutTheGeometryColumn() {
        String tables = SourceSchema.readScript("db/source/mysql/V1__sakila_customer_tables.sql");
        assertThat(tables)
                .contains("create_date DATETIME NOT NULL")
                .contains("ON UPDATE CURRENT_TIMESTAMP")
                .contains("CONSTRAINT fk_customer_address FOREIGN KEY (address_id)")
                .doesNotContain("location GEOMETRY");
        List<String> statements = SourceSchema.statements(tables, SourceDialect.MYSQL);
        assertThat(statements).hasSize(5);
        // Parents before children, or the foreign keys cannot be created.
        assertThat(statements.get(0)).contains("TABLE IF NOT EXISTS country");
        assertThat(statements.get(4)).contains("TABLE IF NOT EXISTS customer");
    }

    @Test
    void postgresTablesHaveReplicaIdentityFullOnTheCapturedTables() {
        String tables =
                SourceSchema.readScript("db/source/postgres/V1__sakila_customer_tables.sql");
        for (String table : SourceSchema.CAPTURED_TABLES) {
            assertThat(tables).contains("ALTER TABLE " + table + " REPLICA IDENTITY FULL;");
        }
        assertThat(tables).contains("activebool  BOOLEAN NOT NULL").contains("create_date DATE");
        assertThat(SourceSchema.readScript("db/source/postgres/V2__customer_publication.sql"))
                .contains(
                        "CREATE PUBLICATION "
                                + SourceSchema.PUBLICATION
                                + " FOR TABLE country, city, address, customer");
    }

    @Test
    void mysqlCdcUserGetsExactlyTheGrantsTheCheckRequires() throws Exception {
        FakeJdbc jdbc = new FakeJdbc();
        SourceSchema.createCdcUser(jdbc.connection(), SourceDialect.MYSQL, "cdc", "pa'ss\\word");

        List<String> grants = new ArrayList<>();
        for (String sql : jdbc.sql()) {
            if (sql.startsWith("GRANT") && sql.contains("'cdc'@'%'")) {
                grants.add(sql);
            }
        }
        // The check that runs at job start accepts what the script grants, and nothing is missing.
        assertThat(MysqlSourceCheck.missingGrants(grants, "sakila_test")).isEmpty();
        assertThat(grants)
                .containsExactly(
                        "GRANT SELECT ON `sakila_test`.* TO 'cdc'@'%'",
                        "GRANT RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'cdc'@'%'");
        assertThat(jdbc.sql())
                .contains("CREATE USER IF NOT EXISTS 'cdc'@'%' IDENTIFIED BY 'pa''ss\\\\word'")
                .contains(
                        "CREATE USER IF NOT EXISTS 'cdc'@'localhost' IDENTIFIED BY 'pa''ss\\\\word'")
                .noneMatch(sql -> sql.contains("${"));
    }

    @Test
    void postgresCdcUserIsCreatedWithReplicationAndSelectOnTheCapturedTables() throws Exception {
        FakeJdbc jdbc =
                new FakeJdbc()
                        .answer("current_database()", new Object[] {"sakila_it"})
                        .answer("current_schema()", new Object[] {"public"});
        SourceSchema.createCdcUser(jdbc.connection(), SourceDialect.POSTGRES, "cdc", "s3'cret");

        assertThat(jdbc.sql())
                .anyMatch(
                        sql ->
                                sql.startsWith("DO $cdc$")
                                        && sql.contains(
                                                "CREATE ROLE cdc WITH LOGIN REPLICATION PASSWORD 's3''cret'"))
                .contains("GRANT CONNECT ON DATABASE \"sakila_it\" TO cdc")
                .contains("GRANT USAGE ON SCHEMA \"public\" TO cdc")
                .contains(
                        "GRANT SELECT ON \"public\".country, \"public\".city, \"public\".address,"
                                + " \"public\".customer TO cdc");
    }

    @Test
    void userNamesThatWouldNeedQuotingAreRefused() {
        FakeJdbc jdbc = new FakeJdbc();
        assertThatThrownBy(
                        () ->
                                SourceSchema.createCdcUser(
                                        jdbc.connection(), SourceDialect.MYSQL, "cdc'@'%", "x"))
                .isInstanceOf(IllegalArgumentException.class);
        // PostgreSQL folds unquoted names to lower case; a mixed-case role would not match its
        // grants.
        assertThatThrownBy(
                        () ->
                                SourceSchema.createCdcUser(
                                        jdbc.connection(), SourceDialect.POSTGRES, "Cdc", "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () ->
                                SourceSchema.createCdcUser(
                                        jdbc.connection(), SourceDialect.MYSQL, "cdc", ""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(jdbc.executions).isEmpty();
    }

    @Test
    void createTablesRunsTheDialectsScriptsInOrder() throws Exception {
        FakeJdbc jdbc = new FakeJdbc();
        SourceSchema.createTables(jdbc.connection(), SourceDialect.POSTGRES);
        List<String> sql = jdbc.sql();
        int customer = indexOfFirst(sql, "CREATE TABLE IF NOT EXISTS customer");
        int publication = indexOfFirst(sql, "CREATE PUBLICATION");
        assertThat(customer).isNotNegative();
        assertThat(publication).isGreaterThan(customer);
    }

    private static int indexOfFirst(List<String> sql, String fragment) {
        for (int i = 0; i < sql.size(); i++) {
            if (sql.get(i).contains(fragment)) {
                return i;
            }
        }
        return -1;
    }
}
