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
 * Reconcile and forget with PostgreSQL logical replication as the source, e-mail addresses stored
 * as keyed hashes: reconcile compares the source's addresses hashed as the job hashes them, and the
 * hash of a forgotten customer's address is personal data like the address.
 */
class ForgetAndReconcilePostgresITCase extends ForgetAndReconcileContract {
    private static final Logger LOG =
            LoggerFactory.getLogger(ForgetAndReconcilePostgresITCase.class);
    private static final String SLOT = "forget_itcase";
    private static final String EMAIL_KEY = "forget-itcase-key";

    @Override
    protected SakilaSource createSource() throws Exception {
        return SakilaSource.postgres(POSTGRES, "cdc_forget_pg", SLOT);
    }

    @Override
    protected Map<String, String> extraSettings() {
        return Map.of("customer.email-mode", "hashed", "customer.email-hash-key", EMAIL_KEY);
    }

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
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> dropInactiveSlot(c));
        } catch (Exception | AssertionError e) {
            LOG.warn("could not drop replication slot {}: {}", SLOT, e.getMessage());
        }
    }

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
