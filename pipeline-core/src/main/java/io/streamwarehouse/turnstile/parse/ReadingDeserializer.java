package io.streamwarehouse.turnstile.parse;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.turnstile.Reject;
import io.streamwarehouse.turnstile.RejectReason;
import io.streamwarehouse.turnstile.TurnstileOptions;
import io.streamwarehouse.turnstile.TurnstileTime;
import java.util.Arrays;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Parses in the Kafka source, so each reading's event time is known where Flink keeps one watermark
 * per partition: a partition that is behind, or a backlog drained one partition ahead of the
 * others, then never turns the rest of the topic late. Every record becomes exactly one {@link
 * ParseResult}; rejects travel on to their sink with their coordinates and never touch the
 * watermark.
 *
 * <p>Never throws: a record that failed the job would be read again after every restart, and
 * nothing after it would ever be counted. What no rule foresaw becomes a {@code parser_error}
 * reject.
 */
public final class ReadingDeserializer implements KafkaRecordDeserializationSchema<ParseResult> {
    private static final long serialVersionUID = 1L;

    private final TurnstileParser parser;
    private final PlausibleTimes times;
    private final int maxRecordBytes;

    public ReadingDeserializer(RecordFormat format, int maxRecordBytes, PlausibleTimes times) {
        this(format.parser(maxRecordBytes), maxRecordBytes, times);
    }

    ReadingDeserializer(TurnstileParser parser, int maxRecordBytes, PlausibleTimes times) {
        this.parser = parser;
        this.times = times;
        this.maxRecordBytes = maxRecordBytes;
    }

    /** The deserializer for {@code turnstile.format}, its size limit and plausible times. */
    public static ReadingDeserializer from(PipelineConfig config) {
        return new ReadingDeserializer(
                config.get(TurnstileOptions.TURNSTILE_FORMAT),
                config.get(TurnstileOptions.TURNSTILE_MAX_RECORD_BYTES),
                PlausibleTimes.from(config));
    }

    /** Event time and per-partition watermarks of {@code turnstile.*} for this source. */
    public static WatermarkStrategy<ParseResult> watermarks(PipelineConfig config) {
        return TurnstileTime.watermarks(
                config.get(TurnstileOptions.TURNSTILE_OUT_OF_ORDERNESS),
                config.get(TurnstileOptions.TURNSTILE_IDLE_TIMEOUT));
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ParseResult> out) {
        out.collect(read(record.topic(), record.partition(), record.offset(), record.value()));
    }

    /** One record's outcome; what the source emits for it. */
    public ParseResult read(String topic, int partition, long offset, byte[] nullable) {
        // a tombstone is kept as an empty payload, so its reject row has one
        byte[] value = nullable == null ? new byte[0] : nullable;
        try {
            ParseResult parsed = parser.parse(topic, partition, offset, value);
            return parsed.isOk() ? times.check(parsed, value) : parsed;
        } catch (RuntimeException | StackOverflowError e) {
            return ParseResult.rejected(
                    new Reject(
                            topic,
                            partition,
                            offset,
                            RejectReason.PARSER_ERROR,
                            e.toString(),
                            Arrays.copyOf(value, Math.min(value.length, maxRecordBytes))));
        }
    }

    @Override
    public TypeInformation<ParseResult> getProducedType() {
        return TypeInformation.of(ParseResult.class);
    }
}
