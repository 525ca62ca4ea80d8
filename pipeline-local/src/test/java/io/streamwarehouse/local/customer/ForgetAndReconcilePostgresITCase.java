package io.streamwarehouse.local.customer;

import io.streamwarehouse.customer.EmailPolicy;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reconcile and forget with PostgreSQL logical replication as the source, e-mail addresses stored
 * as keyed hashes: reconcile compares the source's addresses hashed as the job hashes them, and the
 * hash of a forgotten customer's address is personal data like the address.
 */
class ForgetAndReconcilePostgresITCase extends ForgetAndReconcileContract {
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
        source.dropSlotOnceInactive(SLOT);
    }
}
