package io.streamwarehouse.config;

/** Whether ENTRIES/EXITS are register readings (weekly files) or already per-interval counts. */
public enum CounterMode {
    CUMULATIVE("cumulative"),
    INTERVAL("interval");

    private final String value;

    CounterMode(String value) {
        this.value = value;
    }

    @Override
    public String toString() {
        return value;
    }
}
