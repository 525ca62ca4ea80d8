package io.streamwarehouse.local.cli;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.turnstile.TurnstileOptions;
import picocli.CommandLine.Option;

/** {@code --partitions}: for the commands that create the turnstile topic. */
public final class TopicPartitions {
    @Option(
            names = "--partitions",
            description =
                    "Partitions of the turnstile topic (default: turnstile.topic-partitions, 4);"
                            + " readings are keyed by turnstile.")
    Integer partitions;

    /** {@code --partitions}, else {@code turnstile.topic-partitions} of the configuration. */
    int count(PipelineConfig settings) {
        return partitions != null
                ? partitions
                : settings.get(TurnstileOptions.TURNSTILE_TOPIC_PARTITIONS);
    }
}
