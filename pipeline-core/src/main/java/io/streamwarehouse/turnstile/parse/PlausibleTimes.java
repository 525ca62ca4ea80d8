package io.streamwarehouse.turnstile.parse;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.turnstile.Reject;
import io.streamwarehouse.turnstile.RejectReason;
import io.streamwarehouse.turnstile.TurnstileOptions;
import io.streamwarehouse.turnstile.TurnstileReading;
import io.streamwarehouse.turnstile.TurnstileTime;
import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * The reading times that may become event time: from {@code turnstile.earliest-reading-time} up to
 * {@code turnstile.max-clock-skew} ahead of the wall clock.
 *
 * <p>Why a range at all: the watermark follows the highest reading time seen, so one reading dated
 * in the year 9999 would move it to the end of time and turn every later reading into a {@code
 * late} reject. The check runs in the source, before the reading can reach the watermark. The upper
 * bound compares the reading's wall clock read as UTC (see {@link TurnstileTime}) with the real UTC
 * clock; New York is behind UTC, so a skew of a day leaves ample room.
 */
public final class PlausibleTimes implements Serializable {
    private static final long serialVersionUID = 1L;

    private final LocalDateTime earliest;
    private final Duration maxClockSkew;
    private final Clock clock;
    private final long earliestMillis;
    private final long maxClockSkewMillis;

    public PlausibleTimes(LocalDateTime earliest, Duration maxClockSkew, Clock clock) {
        this.earliest = Objects.requireNonNull(earliest, "earliest");
        this.maxClockSkew = Objects.requireNonNull(maxClockSkew, "maxClockSkew");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.earliestMillis = TurnstileTime.toEpochMillis(earliest);
        this.maxClockSkewMillis = maxClockSkew.toMillis();
        if (maxClockSkew.isNegative()) {
            throw new IllegalArgumentException(
                    "turnstile.max-clock-skew must not be negative: " + maxClockSkew);
        }
    }

    /**
     * The range of {@code turnstile.earliest-reading-time} and {@code turnstile.max-clock-skew}.
     */
    public static PlausibleTimes from(PipelineConfig config) {
        String earliest = config.get(TurnstileOptions.TURNSTILE_EARLIEST_READING_TIME);
        try {
            return new PlausibleTimes(
                    LocalDateTime.parse(earliest),
                    config.get(TurnstileOptions.TURNSTILE_MAX_CLOCK_SKEW),
                    Clock.systemUTC());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    TurnstileOptions.TURNSTILE_EARLIEST_READING_TIME.key()
                            + " must be an ISO local date-time such as 2000-01-01T00:00: '"
                            + earliest
                            + "'",
                    e);
        }
    }

    /**
     * The parsed reading as it is, or a reject with reason {@code implausible_time}. Compared in
     * epoch millis (the wall clock read as UTC, as event time is, against the real UTC clock): one
     * clock read per record and no objects.
     */
    ParseResult check(ParseResult parsed, byte[] raw) {
        TurnstileReading reading = parsed.reading();
        long time = reading.eventTimeMillis();
        String problem = null;
        if (time < earliestMillis) {
            problem = "is before turnstile.earliest-reading-time " + earliest;
        } else if (time > clock.millis() + maxClockSkewMillis) {
            // no clock reading in the detail: a replay must reject with the same row
            problem =
                    "is more than turnstile.max-clock-skew " + maxClockSkew + " ahead of the clock";
        }
        if (problem == null) {
            return parsed;
        }
        return ParseResult.rejected(
                new Reject(
                        reading.topic,
                        reading.partition,
                        reading.offset,
                        RejectReason.IMPLAUSIBLE_TIME,
                        "reading time " + reading.readingTime + " " + problem,
                        raw));
    }
}
