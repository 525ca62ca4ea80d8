package io.streamwarehouse.turnstile;

import java.util.Arrays;
import java.util.stream.Collectors;

/** What ENTRIES and EXITS mean in the incoming readings (config {@code turnstile.counter-mode}). */
public enum CounterMode {
    /** Register values (the MTA weekly files): the count is the difference between readings. */
    CUMULATIVE("cumulative"),
    /** Counts since the previous message (the synthetic producer): each reading is its delta. */
    INTERVAL("interval");

    private final String configName;

    CounterMode(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** Flink's option parser matches enum constants by this spelling. */
    @Override
    public String toString() {
        return configName;
    }

    public static CounterMode fromConfig(String name) {
        for (CounterMode mode : values()) {
            if (mode.configName.equalsIgnoreCase(name.trim())) {
                return mode;
            }
        }
        throw new IllegalArgumentException(
                "unknown turnstile.counter-mode '"
                        + name
                        + "', expected one of "
                        + Arrays.stream(values())
                                .map(CounterMode::configName)
                                .collect(Collectors.joining(", ")));
    }
}
