package io.streamwarehouse.local.cli;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.local.replay.TopicPublisher;
import io.streamwarehouse.local.replay.WeeklyFiles;
import io.streamwarehouse.samples.turnstile.ProducerMessageGenerator;
import io.streamwarehouse.turnstile.TurnstileOptions;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.util.TimeUtils;
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
            arity = "0..1",
            paramLabel = "FILE_OR_DIR",
            description = "A weekly file, or a directory of them (*.csv, *.txt, optionally .gz).")
    Path input;

    @Option(
            names = "--speedup",
            defaultValue = "0",
            description =
                    "Replay N times faster than the readings' own clock (10080 = a week in a minute); 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    double speedup;

    @Option(
            names = "--producer-messages",
            paramLabel = "COUNT",
            description =
                    "Instead of files, publish COUNT synthetic messages in the original producer's format (a JSON string wrapping a 13-field CSV line, per-interval counts); run the job with turnstile.format=producer-csv and turnstile.counter-mode=interval.")
    Integer producerMessages;

    @Option(
            names = "--every",
            defaultValue = "10 s",
            description = "Reading interval of the synthetic messages (default: ${DEFAULT-VALUE}).")
    String every;

    @Mixin ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        PipelineConfig settings = config.load();
        List<WeeklyFiles.Line> lines;
        if (producerMessages != null) {
            lines = producerLines(producerMessages, TimeUtils.parseDuration(every));
        } else if (input == null) {
            throw new UserErrors.UserException(
                    "nothing to replay", "pass FILE_OR_DIR, or --producer-messages COUNT");
        } else {
            lines = readFiles();
        }
        String topic = settings.get(TurnstileOptions.TURNSTILE_TOPIC);
        System.out.printf(
                "replay: %,d readings from %s to topic %s%n",
                lines.size(), input == null ? "the synthetic producer" : input, topic);
        try (TopicPublisher publisher =
                new TopicPublisher(
                        settings.get(TurnstileOptions.KAFKA_BOOTSTRAP_SERVERS), System.out)) {
            publisher.publish(topic, lines, speedup);
        }
        return 0;
    }

    /** Synthetic messages starting now, keyed by turnstile like the files. */
    static List<WeeklyFiles.Line> producerLines(int count, Duration every) {
        LocalDateTime first = LocalDateTime.now().withNano(0);
        List<String> messages =
                new ProducerMessageGenerator(System.nanoTime()).messages(first, every, count);
        List<WeeklyFiles.Line> lines = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            String[] fields = messages.get(i).replace("\"", "").split(",");
            String key = fields[0] + "|" + fields[1] + "|" + fields[2] + "|" + fields[3];
            lines.add(
                    new WeeklyFiles.Line(key, messages.get(i), first.plus(every.multipliedBy(i))));
        }
        return lines;
    }

    private List<WeeklyFiles.Line> readFiles() throws Exception {
        try {
            return WeeklyFiles.read(WeeklyFiles.expand(input));
        } catch (NoSuchFileException e) {
            throw new UserErrors.UserException(
                    "no such file or directory: " + input,
                    "pass an MTA weekly file or a folder of them");
        }
    }
}
