package io.streamwarehouse.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.config.PipelineOptions;
import io.streamwarehouse.turnstile.TurnstileOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The precedence every command-line tool follows: a command's defaults, then {@code --config}, then
 * the environment, then {@code --env-file}, then {@code --set}. What is typed last and closest
 * wins; nothing silently beats the command line.
 */
class ConfigOptionsTest {

    private static PipelineConfig load(
            Map<String, String> environment, List<String> defaults, String... args) {
        ConfigOptions options = new ConfigOptions();
        new CommandLine(options).parseArgs(args);
        return options.load(Map.of(), defaults, environment);
    }

    @Test
    void eachLayerWinsOverTheOnesBeforeIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pipeline.properties");
        Files.writeString(
                file,
                "turnstile.window=10 min\nturnstile.max-gap=2 h\nturnstile.max-per-hour=10\n"
                        + "checkpoint.interval=7 s\n");
        Path envFile = dir.resolve("pipeline.env");
        Files.writeString(
                envFile, "PIPELINE_TURNSTILE_MAX_GAP=4 h\nPIPELINE_TURNSTILE_MAX_PER_HOUR=40\n");
        Map<String, String> environment =
                Map.of(
                        "PIPELINE_TURNSTILE_WINDOW", "3 h",
                        "PIPELINE_TURNSTILE_MAX_GAP", "3 h",
                        "PIPELINE_TURNSTILE_MAX_PER_HOUR", "30");

        PipelineConfig config =
                load(
                        environment,
                        List.of("checkpoint.interval=2 s", "turnstile.out-of-orderness=1 h"),
                        "--config",
                        file.toString(),
                        "--env-file",
                        envFile.toString(),
                        "--set",
                        "turnstile.window=2 h",
                        "--set",
                        "turnstile.max-per-hour=50");

        assertThat(config.get(TurnstileOptions.TURNSTILE_WINDOW))
                .as("--set over the environment (and the file)")
                .isEqualTo(Duration.ofHours(2));
        assertThat(config.get(TurnstileOptions.TURNSTILE_MAX_PER_HOUR))
                .as("--set over the env file")
                .isEqualTo(50L);
        assertThat(config.get(TurnstileOptions.TURNSTILE_MAX_GAP))
                .as("--env-file over the environment")
                .isEqualTo(Duration.ofHours(4));
        assertThat(config.get(PipelineOptions.CHECKPOINT_INTERVAL))
                .as("the file over the command's defaults")
                .isEqualTo(Duration.ofSeconds(7));
        assertThat(config.get(TurnstileOptions.TURNSTILE_OUT_OF_ORDERNESS))
                .as("a command's default where nothing else says")
                .isEqualTo(Duration.ofHours(1));
    }

    @Test
    void theEnvironmentWinsOverTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pipeline.properties");
        Files.writeString(file, "turnstile.window=10 min\n");
        PipelineConfig config =
                load(
                        Map.of("PIPELINE_TURNSTILE_WINDOW", "3 h"),
                        List.of(),
                        "--config",
                        file.toString());
        assertThat(config.get(TurnstileOptions.TURNSTILE_WINDOW)).isEqualTo(Duration.ofHours(3));
    }
}
