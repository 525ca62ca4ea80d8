package io.streamwarehouse.local.customer;

import io.streamwarehouse.customer.EmailPolicy;
import java.util.Map;
import java.util.TreeMap;

/**
 * The customer-dimension job reading PostgreSQL's logical replication (pgoutput, the {@code
 * customer_dimension} publication, its own slot): the same snapshot and change proofs as for
 * MariaDB, on pagila's column types (activebool, DATE create_date, identity keys), with parallelism
 * 2 and a short state retention.
 */
class CustomerDimensionPostgresITCase extends CustomerDimensionContract {
    private static final String SLOT = "dim_customer_itcase";
    private static final String EMAIL_KEY = "itcase-email-key";

    @Override
    protected SakilaSource createSource() throws Exception {
        return SakilaSource.postgres(POSTGRES, "cdc_dim_pg", SLOT);
    }

    /**
     * Not the defaults, so that both sources together also cover them: two parallel join and writer
     * instances (a customer's rows reach the writer through repartitioned joins), and e-mails
     * stored as keyed hashes. (Per-row state expires within seconds on both sources: see {@link
     * CustomerDimensionContract#STATE_TTL}.)
     */
    @Override
    protected Map<String, String> extraSettings() {
        return Map.of(
                "job.parallelism", "2",
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

    /** The source's server is the warehouse's too: both go away. */
    @Override
    protected void stopSource() {
        POSTGRES.service().stopForOutage();
    }

    @Override
    protected void startSource() {
        POSTGRES.service().startAgain();
    }

    /** A slot left behind keeps WAL on the shared server for the rest of the test JVM. */
    @Override
    protected void afterJob() {
        source.dropSlotOnceInactive(SLOT);
    }
}
