package io.streamwarehouse.warehouse;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.streamwarehouse.config.OptionGroup;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;

/**
 * The options of the PostgreSQL warehouse the jobs write to ({@code warehouse.*}). The keys are a
 * contract with users and scripts: rename none of them.
 */
public final class WarehouseOptions implements OptionGroup {

    /** For {@link java.util.ServiceLoader}; the options are the constants. */
    public WarehouseOptions() {}

    public static final ConfigOption<String> WAREHOUSE_JDBC_URL =
            key("warehouse.jdbc-url")
                    .stringType()
                    .defaultValue("jdbc:postgresql://localhost:5432/warehouse")
                    .withDescription("JDBC URL of the PostgreSQL warehouse.");

    public static final ConfigOption<String> WAREHOUSE_USERNAME =
            key("warehouse.username")
                    .stringType()
                    .defaultValue("postgres")
                    .withDescription(
                            "Warehouse user: for the jobs a login of the role warehouse_writer"
                                    + " (sql/warehouse/job_login.sql), for migrate the schema owner.");

    public static final ConfigOption<String> WAREHOUSE_PASSWORD =
            key("warehouse.password")
                    .stringType()
                    .defaultValue("")
                    .withDescription("Password of the warehouse user (secret: never logged).");

    public static final ConfigOption<Duration> WAREHOUSE_RETRY_TIMEOUT =
            key("warehouse.retry-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(5))
                    .withDescription(
                            "How long a warehouse write is retried with backoff before the job fails over.");

    @Override
    public List<ConfigOption<?>> options() {
        return OptionGroup.declaredIn(WarehouseOptions.class);
    }

    @Override
    public Set<ConfigOption<?>> secrets() {
        return Set.of(WAREHOUSE_PASSWORD);
    }
}
