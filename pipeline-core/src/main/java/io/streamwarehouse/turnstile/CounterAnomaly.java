package io.streamwarehouse.turnstile;

import java.time.LocalDateTime;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * A pair of consecutive readings whose difference was not counted, kept for {@code
 * warehouse.turnstile_anomalies} (natural key: turnstile, reading time, counter) so that nothing is
 * dropped silently and the rules can be audited against the raw values.
 */
public class CounterAnomaly {
    public static final String ENTRIES = "ENTRIES";
    public static final String EXITS = "EXITS";

    /** The readings were more than {@code turnstile.max-gap} apart; the later is a new baseline. */
    public static final String GAP = "gap";

    /** The difference exceeded the plausible maximum: a reset, a wrap near 2^31 or a jump. */
    public static final String ANOMALY = "anomaly";

    public String ca;
    public String unit;
    public String scp;
    public String station;

    /** The later reading's time. */
    @TypeInfo(TimeTypes.DateTime.class)
    public LocalDateTime readingTime;

    /** {@link #ENTRIES} or {@link #EXITS}. */
    public String counter;

    /** {@link #GAP} or {@link #ANOMALY}. */
    public String kind;

    @TypeInfo(TimeTypes.DateTime.class)
    public LocalDateTime previousTime;

    public long previousValue;
    public long currentValue;

    /** |current - previous|, the count that was not used. */
    public long delta;

    /** The largest delta that would have been counted; null for a gap, where none applies. */
    public Long threshold;

    public CounterAnomaly() {}

    public CounterAnomaly(
            TurnstileKey key,
            LocalDateTime readingTime,
            String counter,
            String kind,
            LocalDateTime previousTime,
            long previousValue,
            long currentValue,
            Long threshold) {
        this.ca = key.ca;
        this.unit = key.unit;
        this.scp = key.scp;
        this.station = key.station;
        this.readingTime = readingTime;
        this.counter = counter;
        this.kind = kind;
        this.previousTime = previousTime;
        this.previousValue = previousValue;
        this.currentValue = currentValue;
        this.delta = Math.abs(currentValue - previousValue);
        this.threshold = threshold;
    }

    @Override
    public String toString() {
        return kind
                + " "
                + counter
                + " "
                + ca
                + "/"
                + unit
                + "/"
                + scp
                + "/"
                + station
                + " "
                + previousTime
                + "="
                + previousValue
                + " -> "
                + readingTime
                + "="
                + currentValue
                + " delta="
                + delta
                + " threshold="
                + threshold;
    }
}
