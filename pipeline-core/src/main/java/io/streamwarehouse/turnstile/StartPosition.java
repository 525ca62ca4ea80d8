package io.streamwarehouse.turnstile;

/** Where the turnstile job starts reading the topic when it has no checkpoint. */
public enum StartPosition {
    EARLIEST("earliest"),
    LATEST("latest"),
    COMMITTED("committed");

    private final String value;

    StartPosition(String value) {
        this.value = value;
    }

    @Override
    public String toString() {
        return value;
    }
}
