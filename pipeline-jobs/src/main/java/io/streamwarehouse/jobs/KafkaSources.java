package io.streamwarehouse.jobs;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.turnstile.TurnstileOptions;
import io.streamwarehouse.turnstile.parse.ParseResult;
import io.streamwarehouse.turnstile.parse.ReadingDeserializer;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** The turnstile job's Kafka source, beside the customer job's {@link CdcSources}. */
final class KafkaSources {
    private KafkaSources() {}

    /**
     * The turnstile topic, each record parsed in the source into a reading or a reject.
     *
     * @param bounded stop at the offsets that are the latest when the job starts (a backfill or a
     *     benchmark) instead of reading on
     */
    static KafkaSource<ParseResult> turnstileRecords(PipelineConfig config, boolean bounded) {
        KafkaSourceBuilder<ParseResult> builder =
                KafkaSource.<ParseResult>builder()
                        .setBootstrapServers(config.get(TurnstileOptions.KAFKA_BOOTSTRAP_SERVERS))
                        .setTopics(config.get(TurnstileOptions.TURNSTILE_TOPIC))
                        .setGroupId(config.get(TurnstileOptions.TURNSTILE_GROUP_ID))
                        .setStartingOffsets(startingOffsets(config))
                        .setDeserializer(ReadingDeserializer.from(config))
                        // offsets live in checkpoints; the committed ones are only for lag
                        // monitoring
                        .setProperty("commit.offsets.on.checkpoint", "true")
                        .setProperty("partition.discovery.interval.ms", "60000");
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    private static OffsetsInitializer startingOffsets(PipelineConfig config) {
        switch (config.get(TurnstileOptions.TURNSTILE_START_FROM)) {
            case LATEST:
                return OffsetsInitializer.latest();
            case COMMITTED:
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            default:
                return OffsetsInitializer.earliest();
        }
    }
}
