package io.streamwarehouse.local.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Test classes that each register their own extensions still share one server per kind, and each
 * gets databases of its own. Every class records what it got; whichever runs later checks against
 * the earlier ones, so the check happens whenever two of them run in one JVM.
 */
abstract class SharedServersContract {

    private static final Map<Class<?>, Seen> SEEN = new ConcurrentHashMap<>();

    private record Seen(
            MariaDbService mariaDb,
            PostgresService postgres,
            String mariaDbDatabase,
            String postgresDatabase) {}

    abstract MariaDbExtension mariaDb();

    abstract PostgresExtension postgres();

    @Test
    void sharesTheServersButNotTheDatabases() throws SQLException {
        String me = getClass().getSimpleName();
        String mariaDbDatabase = mariaDb().newDatabase("shared");
        String postgresDatabase = postgres().newDatabase("shared");
        String ownerTable =
                "CREATE TABLE owner (name VARCHAR(80)); INSERT INTO owner VALUES ('" + me + "')";
        mariaDb().service().execute(mariaDbDatabase, ownerTable);
        postgres().service().execute(postgresDatabase, ownerTable);

        for (Map.Entry<Class<?>, Seen> earlier : SEEN.entrySet()) {
            Seen other = earlier.getValue();
            String them = earlier.getKey().getSimpleName();
            assertThat(mariaDb().service()).isSameAs(other.mariaDb());
            assertThat(postgres().service()).isSameAs(other.postgres());
            assertThat(mariaDbDatabase).isNotEqualTo(other.mariaDbDatabase());
            assertThat(postgresDatabase).isNotEqualTo(other.postgresDatabase());
            try (Connection c = mariaDb().service().openConnection(other.mariaDbDatabase())) {
                assertThat(owners(c)).containsExactly(them);
            }
            try (Connection c = postgres().service().openConnection(other.postgresDatabase())) {
                assertThat(owners(c)).containsExactly(them);
            }
        }
        try (Connection c = mariaDb().service().openConnection(mariaDbDatabase)) {
            assertThat(owners(c)).containsExactly(me);
        }
        try (Connection c = postgres().service().openConnection(postgresDatabase)) {
            assertThat(owners(c)).containsExactly(me);
        }
        SEEN.put(
                getClass(),
                new Seen(
                        mariaDb().service(),
                        postgres().service(),
                        mariaDbDatabase,
                        postgresDatabase));
    }

    static List<String> owners(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT name FROM owner")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }
}
