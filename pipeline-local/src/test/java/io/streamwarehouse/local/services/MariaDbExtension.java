package io.streamwarehouse.local.services;

/**
 * A MariaDB server shared by all tests of the JVM, with a fresh database per caller.
 *
 * <pre>{@code
 * @RegisterExtension static final MariaDbExtension MARIADB = new MariaDbExtension();
 *
 * @Test void test() {
 *     String db = MARIADB.newDatabase("orders");
 *     MARIADB.service().execute(db, "CREATE TABLE t (id INT PRIMARY KEY)");
 * }
 * }</pre>
 */
public final class MariaDbExtension extends SharedServiceExtension<MariaDbService> {

    public MariaDbExtension() {
        super(MariaDbService.class, MariaDbService::start);
    }

    /** Creates an empty database with a name unique in this JVM and returns the name. */
    public String newDatabase(String prefix) {
        String name = uniqueName(prefix, 64);
        service().createDatabase(name);
        return name;
    }

    /** The JDBC URL of {@code database} on the shared server. */
    public String jdbcUrl(String database) {
        return service().jdbcUrl(database);
    }
}
