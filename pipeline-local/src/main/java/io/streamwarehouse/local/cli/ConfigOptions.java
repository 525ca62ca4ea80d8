package io.streamwarehouse.local.cli;

import io.streamwarehouse.config.PipelineConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The configuration flags every command shares: file, overrides and an env file. */
public final class ConfigOptions {

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Properties file with configuration keys (key=value).")
    Path configFile;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "Override one configuration key; repeatable. Wins over --config.")
    List<String> sets = new ArrayList<>();

    @Option(
            names = "--env-file",
            paramLabel = "FILE",
            description =
                    "KEY=VALUE lines as printed by './pipeline services'; read like environment variables.")
    Path envFile;

    /** File, then --set, then the env file, then the real environment (which wins). */
    public PipelineConfig load() {
        return load(Map.of(), List.of());
    }

    /**
     * As {@link #load()}, with settings of embedded services under the env file and extra {@code
     * --set} values under the user's own.
     */
    public PipelineConfig load(Map<String, String> serviceEnvironment, List<String> defaults) {
        Map<String, String> environment = new HashMap<>(serviceEnvironment);
        List<String> allSets = new ArrayList<>(defaults);
        allSets.addAll(sets);
        if (envFile != null) {
            environment.putAll(readEnvFile(envFile));
        }
        environment.putAll(System.getenv());
        return PipelineConfig.load(configFile, allSets, environment);
    }

    static Map<String, String> readEnvFile(Path file) {
        Map<String, String> values = new HashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new PipelineConfig.ConfigException("cannot read env file " + file);
        }
        for (String line : lines) {
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            if (trimmed.startsWith("export ")) {
                trimmed = trimmed.substring("export ".length());
            }
            int eq = trimmed.indexOf('=');
            if (eq > 0) {
                values.put(trimmed.substring(0, eq), trimmed.substring(eq + 1));
            }
        }
        return values;
    }
}
