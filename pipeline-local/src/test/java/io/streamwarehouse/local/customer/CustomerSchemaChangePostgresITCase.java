package io.streamwarehouse.local.customer;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Column changes over PostgreSQL logical replication; the breaking change drops customer.email,
 * which the dimension reads.
 */
class CustomerSchemaChangePostgresITCase extends CustomerSchemaChangeContract {
    private static final Logger LOG =
            LoggerFactory.getLogger(CustomerSchemaChangePostgresITCase.class);

    private final List<SakilaSource> sources = new java.util.ArrayList<>();

    @Override
    protected SakilaSource createSource(int pipeline) throws Exception {
        SakilaSource created =
                SakilaSource.postgres(POSTGRES, "cdc_schema_pg" + pipeline, slot(pipeline));
        sources.add(created);
        return created;
    }

    @Override
    protected BreakingChange breakingChange() {
        return new BreakingChange("email", List.of("ALTER TABLE customer DROP COLUMN email"));
    }

    private static String slot(int pipeline) {
        return "dim_customer_schema" + pipeline;
    }

    @Override
    protected void afterJobs() {
        for (int i = 0; i < sources.size(); i++) {
            String slot = slot(i + 1);
            SakilaSource created = sources.get(i);
            try {
                await().atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> created.dropInactiveSlot(slot));
            } catch (Exception | AssertionError e) {
                LOG.warn("could not drop replication slot {}: {}", slot, e.getMessage());
            }
        }
    }
}
