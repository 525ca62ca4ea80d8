package io.streamwarehouse.local.customer;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.customer.CustomerOptions;
import io.streamwarehouse.customer.EmailPolicy;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Re-snapshot over PostgreSQL logical replication, switching the e-mail policy from plain to hashed
 * on the way: the new snapshot's reads must replace every plain address the first lifetime stored,
 * which no version of a streamed change could have done before snapshots had epochs.
 */
class CustomerResnapshotPostgresITCase extends CustomerResnapshotContract {
    private static final String SLOT = "dim_customer_resnap";
    private static final String EMAIL_KEY = "resnapshot-email-key";

    @Override
    protected SakilaSource createSource() throws Exception {
        return SakilaSource.postgres(POSTGRES, "cdc_resnap_pg", SLOT);
    }

    @Override
    protected Map<String, String> extraSettings() {
        return Map.of("job.parallelism", "2");
    }

    @Override
    protected UnaryOperator<PipelineConfig> resnapshotSettings() {
        return config ->
                config.with(CustomerOptions.CUSTOMER_EMAIL_MODE, EmailPolicy.Mode.HASHED)
                        .with(CustomerOptions.CUSTOMER_EMAIL_HASH_KEY, EMAIL_KEY);
    }

    @Override
    protected Map<Integer, DimensionRows.Values> expectedAfterResnapshot() throws Exception {
        EmailPolicy hashed = EmailPolicy.hashed(EMAIL_KEY);
        Map<Integer, DimensionRows.Values> expected = new TreeMap<>();
        source.joinedCustomers()
                .forEach((id, values) -> expected.put(id, values.map("email", hashed::apply)));
        return expected;
    }

    @Override
    protected void afterJob() {
        source.dropSlotOnceInactive(SLOT);
    }
}
