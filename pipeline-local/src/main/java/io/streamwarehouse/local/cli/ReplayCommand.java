package io.streamwarehouse.local.cli;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.config.PipelineOptions;
import io.streamwarehouse.local.replay.TopicPublisher;
import io.streamwarehouse.local.replay.WeeklyFiles;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description =
                "Publish MTA weekly turnstile files (plain or gzip) to turnstile.topic in reading-time order, keyed by turnstile.")
public final class ReplayCommand implements Callable<Integer> {

    @Parameters(
            index = "0",
            paramLabel = "FILE_OR_DIR",
            description = "A weekly file, or a directory of them (*.csv, *.txt, optionally .gz).")
    Path input;

    @Option(
            names = "--speedup",
            defaultValue = "0",
            description =
                    "Replay N times faster than the readings' own clock (10080 = a week in a minute); 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    double speedup;

    @Mixin ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        PipelineConfig settings = config.load();
        List<WeeklyFiles.Line> lines;
        try {
            lines = WeeklyFiles.read(WeeklyFiles.expand(input));
        } catch (NoSuchFileException e) {
            throw new UserErrors.UserException(
                    "no such file or directory: " + input,
                    "pass an MTA weekly file or a folder of them");
        }
        String topic = settings.get(PipelineOptions.TURNSTILE_TOPIC);
        System.out.printf("replay: %,d readings from %s to topic %s%n", lines.size(), input, topic);
        try (TopicPublisher publisher =
                new TopicPublisher(
                        settings.get(PipelineOptions.KAFKA_BOOTSTRAP_SERVERS), System.out)) {
            publisher.publish(topic, lines, speedup);
        }
        return 0;
    }
}
