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
            description =
                    "Set one configuration key; repeatable. Wins over --config, the environment"
                            + " and --env-file.")
    List<String> sets = new ArrayList<>();

    @Option(
            names = "--env-file",
            paramLabel = "FILE",
            description =
                    "KEY=VALUE lines as printed by './pipeline services'; read like environment"
                            + " variables, and winning over them.")
    Path envFile;

    /**
     * Defaults, then {@code --config}, then the environment, then {@code --env-file}, then {@code
     * --set}: what is typed on the command line wins.
     */
    public PipelineConfig load() {
        return load(Map.of(), List.of());
    }

    /**
     * As {@link #load()}, with a command's own defaults ({@code key=value}) under everything the
     * user gives, and the settings of embedded services above the file and under the environment.
     */
    public PipelineConfig load(Map<String, String> serviceEnvironment, List<String> defaults) {
        return load(serviceEnvironment, defaults, System.getenv());
    }

    PipelineConfig load(
            Map<String, String> serviceEnvironment,
            List<String> defaults,
            Map<String, String> environment) {
        List<Map<String, String>> layers = new ArrayList<>();
        layers.add(PipelineConfig.setSettings(defaults));
        if (configFile != null) {
            layers.add(PipelineConfig.fileSettings(configFile));
        }
        layers.add(PipelineConfig.environmentSettings(serviceEnvironment));
        layers.add(PipelineConfig.environmentSettings(environment));
        if (envFile != null) {
            layers.add(PipelineConfig.environmentSettings(readEnvFile(envFile)));
        }
        layers.add(PipelineConfig.setSettings(sets));
        return PipelineConfig.layered(layers);
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
