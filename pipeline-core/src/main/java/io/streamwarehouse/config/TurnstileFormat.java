package io.streamwarehouse.config;

/** The record layouts the turnstile topic may carry. */
public enum TurnstileFormat {
    /** One line of an MTA weekly file: cumulative counters. */
    MTA_CSV("mta-csv"),
    /** The original producer's message: a JSON string literal wrapping a 13-field CSV line. */
    PRODUCER_CSV("producer-csv"),
    /** A JSON object with named fields. */
    JSON("json");

    private final String value;

    TurnstileFormat(String value) {
        this.value = value;
    }

    @Override
    public String toString() {
        return value;
    }
}
