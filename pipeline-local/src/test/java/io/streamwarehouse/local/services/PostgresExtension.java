package io.streamwarehouse.local.services;

import static org.awaitility.Awaitility.await;

import java.time.Duration;

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

    /**
     * The least time a fault test keeps the server down: {@code outage.seconds}, 0 in {@code
     * verify} (where the tests keep it down until the job has met the outage) and 60 under the
     * {@code chaos} profile.
     */
    public static final Duration MINIMUM_OUTAGE =
            Duration.ofSeconds(Integer.getInteger("outage.seconds", 0));

    /**
     * Stops the server for an outage that a fault test ends with {@link #endOutage()}: what a crash
     * or a maintenance stop does to the jobs' connections.
     */
    public void beginOutage() {
        service().stopForOutage();
        outageBegan = System.nanoTime();
    }

    /** Starts the server again, once it has been down for {@link #MINIMUM_OUTAGE}. */
    public void endOutage() {
        await("the warehouse down for " + MINIMUM_OUTAGE)
                .atMost(MINIMUM_OUTAGE.plusSeconds(10))
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> System.nanoTime() - outageBegan >= MINIMUM_OUTAGE.toNanos());
        service().startAgain();
    }

    private long outageBegan;

    /** The JDBC URL of {@code database} on the shared server. */
    public String jdbcUrl(String database) {
        return service().jdbcUrl(database);
    }
}
