package io.streamwarehouse.local.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SharedServersFirstITCase extends SharedServersContract {

    @RegisterExtension static final MariaDbExtension MARIADB = new MariaDbExtension();
    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension static final MariaDbExtension ANOTHER_MARIADB = new MariaDbExtension();
    @RegisterExtension static final PostgresExtension ANOTHER_POSTGRES = new PostgresExtension();

    @Override
    MariaDbExtension mariaDb() {
        return MARIADB;
    }

    @Override
    PostgresExtension postgres() {
        return POSTGRES;
    }

    @Test
    void twoExtensionsInOneClassShareTheServerButNotTheDatabases() throws Exception {
        assertThat(ANOTHER_MARIADB.service()).isSameAs(MARIADB.service());
        assertThat(ANOTHER_POSTGRES.service()).isSameAs(POSTGRES.service());

        String one = MARIADB.newDatabase("same_prefix");
        String two = ANOTHER_MARIADB.newDatabase("same_prefix");
        String three = POSTGRES.newDatabase("same_prefix");
        String four = ANOTHER_POSTGRES.newDatabase("same_prefix");

        assertThat(one).isNotEqualTo(two).startsWith("same_prefix_");
        assertThat(three).isNotEqualTo(four).startsWith("same_prefix_");
        MARIADB.service().execute(one, "CREATE TABLE owner (name VARCHAR(80))");
        MARIADB.service().execute(two, "CREATE TABLE owner (name VARCHAR(80))");
        MARIADB.service().execute(one, "INSERT INTO owner VALUES ('one')");
        try (Connection c = ANOTHER_MARIADB.service().openConnection(two)) {
            assertThat(owners(c)).isEmpty();
        }
    }
}
