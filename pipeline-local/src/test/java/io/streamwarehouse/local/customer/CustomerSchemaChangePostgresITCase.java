package io.streamwarehouse.local.customer;

import java.util.List;

/**
 * Column changes over PostgreSQL logical replication; the breaking change drops customer.email,
 * which the dimension reads.
 */
class CustomerSchemaChangePostgresITCase extends CustomerSchemaChangeContract {
    private final List<SakilaSource> sources = new java.util.ArrayList<>();

    @Override
    protected SakilaSource createSource(int pipeline) throws Exception {
        SakilaSource created =
                SakilaSource.postgres(POSTGRES, "cdc_schema_pg" + pipeline, slot(pipeline));
        sources.add(created);
        return created;
    }

    @Override
    protected List<String> widenKey() {
        return List.of("ALTER TABLE customer ALTER COLUMN customer_id TYPE BIGINT");
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
            created.dropSlotOnceInactive(slot);
        }
    }
}
