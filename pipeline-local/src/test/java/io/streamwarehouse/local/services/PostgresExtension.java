package io.streamwarehouse.local.services;

/**
 * A PostgreSQL server shared by all tests of the JVM, with a fresh database per caller.
 *
 * <pre>{@code
 * @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
 *
 * @Test void test() {
 *     String db = POSTGRES.newDatabase("warehouse");
 *     String url = POSTGRES.service().jdbcUrl(db);
 * }
 * }</pre>
 */
public final class PostgresExtension extends SharedServiceExtension<PostgresService> {

    public PostgresExtension() {
        super(PostgresService.class, PostgresService::start);
    }

    /** Creates an empty database with a name unique in this JVM and returns the name. */
    public String newDatabase(String prefix) {
        String name = uniqueName(prefix, 63);
        service().createDatabase(name);
        return name;
    }

    /** The JDBC URL of {@code database} on the shared server. */
    public String jdbcUrl(String database) {
        return service().jdbcUrl(database);
    }
}
