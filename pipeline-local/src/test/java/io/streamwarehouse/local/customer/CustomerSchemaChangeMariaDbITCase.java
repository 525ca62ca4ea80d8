package io.streamwarehouse.local.customer;

import io.streamwarehouse.local.services.MariaDbExtension;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Column changes over the MariaDB binlog; the breaking change narrows customer.create_date from
 * DATETIME to YEAR, which holds no date the dimension could store.
 */
class CustomerSchemaChangeMariaDbITCase extends CustomerSchemaChangeContract {

    @RegisterExtension static final MariaDbExtension MARIADB = new MariaDbExtension();

    @Override
    protected SakilaSource createSource(int pipeline) throws Exception {
        return SakilaSource.mariaDb(
                MARIADB, "cdc_schema_maria" + pipeline, pipeline == 1 ? "5710-5714" : "5720-5724");
    }

    @Override
    protected List<String> widenKey() {
        return List.of(
                "ALTER TABLE customer MODIFY customer_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT");
    }

    @Override
    protected BreakingChange breakingChange() {
        // not strict: MariaDB would refuse the narrowing that cuts the dates to years otherwise
        return new BreakingChange(
                "create_date",
                List.of(
                        "SET SESSION sql_mode = ''",
                        "ALTER TABLE customer MODIFY create_date YEAR"));
    }
}
