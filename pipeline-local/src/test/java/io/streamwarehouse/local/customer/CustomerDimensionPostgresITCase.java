package io.streamwarehouse.local.customer;

import static org.awaitility.Awaitility.await;

import io.streamwarehouse.customer.EmailPolicy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The customer-dimension job reading PostgreSQL's logical replication (pgoutput, the {@code
 * customer_dimension} publication, its own slot): the same snapshot and change proofs as for
 * MariaDB, on pagila's column types (activebool, DATE create_date, identity keys), with parallelism
 * 2 and a short state retention.
 */
class CustomerDimensionPostgresITCase extends CustomerDimensionContract {
    private static final Logger LOG =
            LoggerFactory.getLogger(CustomerDimensionPostgresITCase.class);
    private static final String SLOT = "dim_customer_itcase";
    private static final String EMAIL_KEY = "itcase-email-key";

    @Override
    protected SakilaSource createSource() throws Exception {
        return SakilaSource.postgres(POSTGRES, "cdc_dim_pg", SLOT);
    }

    /**
     * Not the defaults, so that both sources together also cover them: two parallel join and writer
     * instances (a customer's rows reach the writer through repartitioned joins), and per-row state
     * that expires within seconds, so changes after the first phase find no state and must be
     * normalized from their own before-images.
     */
    @Override
    protected Map<String, String> extraSettings() {
        return Map.of(
                "job.parallelism", "2",
                "customer.state-ttl", "2 s",
                "customer.email-mode", "hashed",
                "customer.email-hash-key", EMAIL_KEY);
    }

    /** E-mail addresses are stored as keyed hashes here: the join's, hashed with the same key. */
    @Override
    protected Map<Integer, DimensionRows.Values> expectedDimension() throws Exception {
        EmailPolicy hashed = EmailPolicy.hashed(EMAIL_KEY);
        Map<Integer, DimensionRows.Values> expected = new TreeMap<>();
        super.expectedDimension()
                .forEach((id, values) -> expected.put(id, values.map("email", hashed::apply)));
        return expected;
    }

    /** A slot left behind keeps WAL on the shared server for the rest of the test JVM. */
    @Override
    protected void afterJob() {
        try (Connection c = source.openAdmin()) {
            // the cancelled job's replication connection ends a moment after the job
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> dropInactiveSlot(c));
        } catch (Exception | AssertionError e) {
            LOG.warn("could not drop replication slot {}: {}", SLOT, e.getMessage());
        }
    }

    /** Drops the slot once no connection uses it; true when it is gone. */
    private static boolean dropInactiveSlot(Connection c) throws Exception {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, SLOT);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return true;
                }
                if (rs.getBoolean(1)) {
                    return false;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
            ps.setString(1, SLOT);
            ps.execute();
        }
        return true;
    }
}
