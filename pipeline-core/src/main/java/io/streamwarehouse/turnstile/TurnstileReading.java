package io.streamwarehouse.turnstile;

import java.time.LocalDateTime;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One audit reading of one turnstile, as parsed from a Kafka record.
 *
 * <p>In cumulative mode ENTRIES and EXITS are the register values at {@link #readingTime}; in
 * interval mode (the synthetic producer) they are already the counts since the previous message.
 * The Kafka coordinates of the source record travel with the reading so a reading rejected later
 * (late arrival) can still be traced back to, and deduplicated by, its record.
 *
 * <p>A Flink POJO: public fields and a no-arg constructor keep it off Kryo and let the state schema
 * evolve (fields may be added with defaults across savepoints).
 */
public class TurnstileReading {
    public static final String REGULAR = "REGULAR";
    public static final String RECOVR_AUD = "RECOVR AUD";

    public String ca;
    public String unit;
    public String scp;
    public String station;
    public String linename;
    public String division;

    /** Local New York wall-clock time of the audit, no zone (see {@link TurnstileTime}). */
    @TypeInfo(TimeTypes.DateTime.class)
    public LocalDateTime readingTime;

    /** {@link #REGULAR} or {@link #RECOVR_AUD}. */
    public String description;

    public long entries;
    public long exits;

    public String topic;
    public int partition;
    public long offset;

    public TurnstileReading() {}

    public TurnstileReading(
            String ca,
            String unit,
            String scp,
            String station,
            String linename,
            String division,
            LocalDateTime readingTime,
            String description,
            long entries,
            long exits) {
        this.ca = ca;
        this.unit = unit;
        this.scp = scp;
        this.station = station;
        this.linename = linename;
        this.division = division;
        this.readingTime = readingTime;
        this.description = description;
        this.entries = entries;
        this.exits = exits;
    }

    /** Records where this reading came from; returns this for chaining in parsers and tests. */
    public TurnstileReading from(String topic, int partition, long offset) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        return this;
    }

    public TurnstileKey key() {
        return new TurnstileKey(ca, unit, scp, station);
    }

    public long eventTimeMillis() {
        return TurnstileTime.toEpochMillis(readingTime);
    }

    public boolean regular() {
        return REGULAR.equals(description);
    }

    @Override
    public String toString() {
        return key()
                + " "
                + readingTime
                + " "
                + description
                + " entries="
                + entries
                + " exits="
                + exits
                + " @"
                + topic
                + "/"
                + partition
                + "/"
                + offset;
    }
}
