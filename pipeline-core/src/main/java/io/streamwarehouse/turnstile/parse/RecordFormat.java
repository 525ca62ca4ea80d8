package io.streamwarehouse.turnstile.parse;

import io.streamwarehouse.turnstile.CounterMode;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The record formats accepted on the turnstile topic (config {@code turnstile.format}), mapped to
 * their parsers.
 */
public enum RecordFormat {
    /** One line of an MTA weekly file (11 fields, or 12 with a leading pandas row index). */
    MTA_CSV("mta-csv", CounterMode.CUMULATIVE),
    /**
     * The original streaming producer: a JSON string literal wrapping a 13-field CSV line, whose
     * ENTRIES and EXITS count since the previous message.
     */
    PRODUCER_CSV("producer-csv", CounterMode.INTERVAL),
    /** A JSON object with named fields. */
    JSON("json", CounterMode.CUMULATIVE);

    private final String configName;
    private final CounterMode counterMode;

    RecordFormat(String configName, CounterMode counterMode) {
        this.configName = configName;
        this.counterMode = counterMode;
    }

    /** What the format's counters mean unless {@code turnstile.counter-mode} says otherwise. */
    public CounterMode counterMode() {
        return counterMode;
    }

    String configName() {
        return configName;
    }

    /** Flink's option parser matches enum constants by this spelling. */
    @Override
    public String toString() {
        return configName;
    }

    public TurnstileParser parser(int maxRecordBytes) {
        switch (this) {
            case MTA_CSV:
                return new MtaCsvParser(maxRecordBytes);
            case PRODUCER_CSV:
                return new ProducerCsvParser(maxRecordBytes);
            case JSON:
                return new JsonReadingParser(maxRecordBytes);
            default:
                throw new IllegalStateException("no parser for " + this);
        }
    }

    static RecordFormat fromConfig(String name) {
        for (RecordFormat format : values()) {
            if (format.configName.equalsIgnoreCase(name.trim())) {
                return format;
            }
        }
        throw new IllegalArgumentException(
                "unknown turnstile.format '"
                        + name
                        + "', expected one of "
                        + Arrays.stream(values())
                                .map(RecordFormat::configName)
                                .collect(Collectors.joining(", ")));
    }
}
