package io.streamwarehouse.local.cli;

import picocli.CommandLine.Option;

/** {@code --partitions}: for the commands that create the turnstile topic. */
public final class TopicPartitions {
    @Option(
            names = "--partitions",
            description =
                    "Partitions of the turnstile topic (default: turnstile.topic-partitions, 4);"
                            + " readings are keyed by turnstile.")
    Integer partitions;
}
