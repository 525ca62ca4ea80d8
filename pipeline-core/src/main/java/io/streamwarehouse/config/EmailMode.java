package io.streamwarehouse.config;

/** How customer e-mail addresses are stored in the warehouse. */
public enum EmailMode {
    PLAIN("plain"),
    MASKED("masked"),
    HASHED("hashed");

    private final String value;

    EmailMode(String value) {
        this.value = value;
    }

    @Override
    public String toString() {
        return value;
    }
}
