package io.streamwarehouse.turnstile;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.streamwarehouse.config.OptionGroup;
import io.streamwarehouse.turnstile.parse.RecordFormat;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;

/**
 * The options of the turnstile job: its Kafka topic and the rules of parsing, deltas and windows
 * ({@code kafka.*}, {@code turnstile.*}). The keys are a contract with users and scripts: rename
 * none of them.
 */
public final class TurnstileOptions implements OptionGroup {

    /** For {@link java.util.ServiceLoader}; the options are the constants. */
    public TurnstileOptions() {}

    public static final ConfigOption<String> KAFKA_BOOTSTRAP_SERVERS =
            key("kafka.bootstrap-servers")
                    .stringType()
                    .defaultValue("localhost:9092")
                    .withDescription("Kafka bootstrap servers.");

    public static final ConfigOption<String> TURNSTILE_TOPIC =
            key("turnstile.topic")
                    .stringType()
                    .defaultValue("mta-turnstile")
                    .withDescription("Topic carrying turnstile readings.");

    public static final ConfigOption<String> TURNSTILE_GROUP_ID =
            key("turnstile.group-id")
                    .stringType()
                    .defaultValue("turnstile-aggregates")
                    .withDescription("Kafka consumer group of the turnstile job.");

    public static final ConfigOption<StartPosition> TURNSTILE_START_FROM =
            key("turnstile.start-from")
                    .enumType(StartPosition.class)
                    .defaultValue(StartPosition.EARLIEST)
                    .withDescription(
                            "Where to start without a checkpoint: earliest, latest or committed offsets.");

    public static final ConfigOption<RecordFormat> TURNSTILE_FORMAT =
            key("turnstile.format")
                    .enumType(RecordFormat.class)
                    .defaultValue(RecordFormat.MTA_CSV)
                    .withDescription("Record format: mta-csv, producer-csv or json.");

    public static final ConfigOption<CounterMode> TURNSTILE_COUNTER_MODE =
            key("turnstile.counter-mode")
                    .enumType(CounterMode.class)
                    .noDefaultValue()
                    .withDescription(
                            "cumulative: ENTRIES/EXITS are register readings turned into deltas; interval: they are already per-interval counts. Unset: interval for producer-csv, cumulative otherwise.");

    public static final ConfigOption<Duration> TURNSTILE_WINDOW =
            key("turnstile.window")
                    .durationType()
                    .defaultValue(Duration.ofHours(1))
                    .withDescription("Size of the event-time tumbling window.");

    public static final ConfigOption<Duration> TURNSTILE_HOP_SLIDE =
            key("turnstile.hop-slide")
                    .durationType()
                    .noDefaultValue()
                    .withDescription(
                            "If set, windows hop by this slide instead of tumbling (size turnstile.window).");

    public static final ConfigOption<Long> TURNSTILE_MAX_PER_HOUR =
            key("turnstile.max-per-hour")
                    .longType()
                    .defaultValue(2000L)
                    .withDescription(
                            "A delta above this many per hour between two readings (at least one hour) is an anomaly.");

    public static final ConfigOption<Duration> TURNSTILE_MAX_GAP =
            key("turnstile.max-gap")
                    .durationType()
                    .defaultValue(Duration.ofHours(24))
                    .withDescription(
                            "Readings further apart give no delta; the later one is a new baseline.");

    public static final ConfigOption<Long> TURNSTILE_MAX_INTERVAL_COUNT =
            key("turnstile.max-interval-count")
                    .longType()
                    .defaultValue(48_000L)
                    .withDescription(
                            "In interval mode, a count above this in one reading is an anomaly, not counted (at most 2147483647, so sums never overflow).");

    public static final ConfigOption<Duration> TURNSTILE_OUT_OF_ORDERNESS =
            key("turnstile.out-of-orderness")
                    .durationType()
                    .defaultValue(Duration.ofHours(4))
                    .withDescription("Bounded out-of-orderness of the watermark.");

    public static final ConfigOption<Duration> TURNSTILE_ALLOWED_LATENESS =
            key("turnstile.allowed-lateness")
                    .durationType()
                    .defaultValue(Duration.ZERO)
                    .withDescription(
                            "Readings this much behind the watermark are still counted; later ones are rejected as late.");

    public static final ConfigOption<Duration> TURNSTILE_IDLE_TIMEOUT =
            key("turnstile.idle-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "A Kafka partition without records for this long stops holding back the watermark of the others (0: never).");

    public static final ConfigOption<Duration> TURNSTILE_MAX_CLOCK_SKEW =
            key("turnstile.max-clock-skew")
                    .durationType()
                    .defaultValue(Duration.ofDays(1))
                    .withDescription(
                            "Readings dated further ahead of the wall clock are rejected as implausible_time and never reach the watermark.");

    public static final ConfigOption<String> TURNSTILE_EARLIEST_READING_TIME =
            key("turnstile.earliest-reading-time")
                    .stringType()
                    .defaultValue("2000-01-01T00:00")
                    .withDescription(
                            "Readings dated before this (ISO local date-time) are rejected as implausible_time.");

    public static final ConfigOption<Integer> TURNSTILE_TOPIC_PARTITIONS =
            key("turnstile.topic-partitions")
                    .intType()
                    .defaultValue(4)
                    .withDescription(
                            "Partitions of the turnstile topic that services and the sandbox create; readings are keyed by turnstile.");

    public static final ConfigOption<Integer> TURNSTILE_MAX_RECORD_BYTES =
            key("turnstile.max-record-bytes")
                    .intType()
                    .defaultValue(4096)
                    .withDescription("Records larger than this are rejected as oversized.");

    public static final ConfigOption<Integer> TURNSTILE_HELD_TURNSTILES =
            key("turnstile.held-turnstiles")
                    .intType()
                    .defaultValue(10_000)
                    .withDescription(
                            "Turnstiles the counter-delta step holds on the heap between checkpoints; past this it writes them back to state early, which bounds its memory.");

    @Override
    public List<ConfigOption<?>> options() {
        return OptionGroup.declaredIn(TurnstileOptions.class);
    }
}
