package io.streamwarehouse.turnstile;

import io.streamwarehouse.turnstile.parse.ParseResult;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * The one mapping between MTA reading times and Flink event time.
 *
 * <p>MTA audit times are New York wall-clock times without a zone or offset. Event time is the wall
 * clock read as if it were UTC: {@code 05/27/2023 04:00:00} becomes the epoch millis of {@code
 * 2023-05-27T04:00Z}. Why not convert through America/New_York: the data carries no offset, so the
 * repeated 01:00-02:00 hour of the autumn clock change cannot be told apart anyway, and a
 * spring-forward reading at 02:30 would not exist in that zone. Reading the wall clock as UTC is
 * total, monotone and reversible, keeps hourly windows on local wall-clock hours (which is what
 * "busiest stations by hour" means), and lets the Table API use {@code TIMESTAMP(3)} values that
 * come out exactly as the local times. The cost: around a clock change the hours between two
 * readings are off by one, which moves a plausibility threshold by one hour's worth.
 */
public final class TurnstileTime {
    private TurnstileTime() {}

    public static long toEpochMillis(LocalDateTime wallClock) {
        return wallClock.toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    public static LocalDateTime fromEpochMillis(long epochMillis) {
        return LocalDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
    }

    /**
     * Event time and watermarks for the source's records, applied per Kafka partition by the source
     * itself. Readings of different turnstiles interleave within a partition, so the watermark
     * trails the partition's highest reading time by {@code outOfOrderness}. A partition that has
     * sent nothing for {@code idleness} stops holding the others back (zero: never). A reject
     * carries no event time and never moves the watermark.
     */
    public static WatermarkStrategy<ParseResult> watermarks(
            Duration outOfOrderness, Duration idleness) {
        WatermarkStrategy<ParseResult> strategy =
                WatermarkStrategy.<ParseResult>forBoundedOutOfOrderness(outOfOrderness)
                        .withTimestampAssigner(
                                (record, previous) ->
                                        record.isOk()
                                                ? record.reading.eventTimeMillis()
                                                : Long.MIN_VALUE);
        return idleness.isZero() ? strategy : strategy.withIdleness(idleness);
    }
}
