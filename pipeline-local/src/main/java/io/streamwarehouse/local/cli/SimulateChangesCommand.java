package io.streamwarehouse.local.cli;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.config.PipelineOptions;
import io.streamwarehouse.customer.ChangeSimulator;
import io.streamwarehouse.customer.SourceConnection;
import io.streamwarehouse.local.sandbox.SampleWarehouse;
import java.sql.Connection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "simulate-changes",
        mixinStandardHelpOptions = true,
        description =
                "Apply inserts, updates, deletes, no-op updates and address moves (some shared by several customers) to the source database at a steady rate, until Ctrl-C or --count.")
public final class SimulateChangesCommand implements Callable<Integer> {

    @Option(
            names = "--rate",
            defaultValue = "2",
            description = "Changes per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(
            names = "--count",
            defaultValue = "0",
            description =
                    "Stop after this many changes; 0 runs until Ctrl-C (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "Seed of the change sequence (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--username",
            description =
                    "Source user allowed to write (default: PIPELINE_SIMULATOR_USERNAME, else source.username).")
    String username;

    @Option(
            names = "--password",
            description =
                    "Its password (default: PIPELINE_SIMULATOR_PASSWORD, else source.password).")
    String password;

    @Mixin ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        PipelineConfig settings = config.load();
        Map<String, String> env = new HashMap<>();
        if (config.envFile != null) {
            env.putAll(ConfigOptions.readEnvFile(config.envFile));
        }
        env.putAll(System.getenv());
        String user =
                firstNonNull(
                        username,
                        env.get(SampleWarehouse.SIMULATOR_USERNAME),
                        settings.get(PipelineOptions.SOURCE_USERNAME));
        String pass =
                firstNonNull(
                        password,
                        env.get(SampleWarehouse.SIMULATOR_PASSWORD),
                        settings.get(PipelineOptions.SOURCE_PASSWORD));
        AtomicBoolean running = new AtomicBoolean(true);
        Thread main = Thread.currentThread();
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    running.set(false);
                                    try {
                                        main.join(5000);
                                    } catch (InterruptedException ignored) {
                                        Thread.currentThread().interrupt();
                                    }
                                }));
        try (Connection connection = SourceConnection.open(settings, user, pass)) {
            connection.setAutoCommit(true);
            ChangeSimulator simulator =
                    ChangeSimulator.fromDatabase(
                            connection, SourceConnection.dialect(settings), seed);
            System.out.printf(
                    "simulate-changes: %.1f changes/s against %s as %s%n",
                    rate, SourceConnection.jdbcUrl(settings), user);
            int applied =
                    simulator.runAtRate(
                            connection,
                            rate,
                            count <= 0 ? Integer.MAX_VALUE : count,
                            running::get,
                            change ->
                                    System.out.printf(
                                            "  %-22s %s%n", change.kind(), change.description()));
            System.out.printf("simulate-changes: %d changes applied%n", applied);
        }
        return 0;
    }

    private static String firstNonNull(String... values) {
        for (String value : values) {
            if (value != null && !value.isEmpty()) {
                return value;
            }
        }
        return null;
    }
}
