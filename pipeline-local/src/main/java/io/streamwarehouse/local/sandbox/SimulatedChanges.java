package io.streamwarehouse.local.sandbox;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.customer.CustomerOptions;
import io.streamwarehouse.customer.source.SourceConnection;
import io.streamwarehouse.samples.customer.ChangeSimulator;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Applies simulated changes to the configured source. The CDC user may only read, so it writes as
 * the administrator that {@code ./pipeline services} hands out ({@code
 * PIPELINE_SIMULATOR_USERNAME}/{@code _PASSWORD}), falling back to the source user.
 */
public final class SimulatedChanges {
    private SimulatedChanges() {}

    /**
     * @return the changes applied
     */
    public static int run(
            PipelineConfig settings,
            Map<String, String> environment,
            long seed,
            double perSecond,
            int maxChanges,
            BooleanSupplier keepGoing,
            Consumer<ChangeSimulator.SimulatedChange> onApplied)
            throws SQLException {
        try (Connection connection =
                SourceConnection.open(
                        settings,
                        user(settings, environment),
                        setting(
                                environment,
                                SampleWarehouse.SIMULATOR_PASSWORD,
                                settings.get(CustomerOptions.SOURCE_PASSWORD)))) {
            connection.setAutoCommit(true);
            return ChangeSimulator.fromDatabase(
                            connection, SourceConnection.dialect(settings), seed)
                    .runAtRate(connection, perSecond, maxChanges, keepGoing, onApplied);
        }
    }

    public static String user(PipelineConfig settings, Map<String, String> environment) {
        return setting(
                environment,
                SampleWarehouse.SIMULATOR_USERNAME,
                settings.get(CustomerOptions.SOURCE_USERNAME));
    }

    private static String setting(Map<String, String> environment, String name, String fallback) {
        String value = environment.get(name);
        return value == null || value.isEmpty() ? fallback : value;
    }
}
