package io.streamwarehouse.local.cli;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.customer.source.SourceConnection;
import io.streamwarehouse.local.sandbox.SampleWarehouse;
import io.streamwarehouse.local.sandbox.SimulatedChanges;
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
        if (username != null) {
            env.put(SampleWarehouse.SIMULATOR_USERNAME, username);
        }
        if (password != null) {
            env.put(SampleWarehouse.SIMULATOR_PASSWORD, password);
        }
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
        System.out.printf(
                "simulate-changes: %.1f changes/s against %s as %s%n",
                rate, SourceConnection.jdbcUrl(settings), SimulatedChanges.user(settings, env));
        int applied =
                SimulatedChanges.run(
                        settings,
                        env,
                        seed,
                        rate,
                        count <= 0 ? Integer.MAX_VALUE : count,
                        running::get,
                        change ->
                                System.out.printf(
                                        "  %-22s %s%n", change.kind(), change.description()));
        System.out.printf("simulate-changes: %d changes applied%n", applied);
        return 0;
    }
}
