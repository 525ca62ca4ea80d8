package io.streamwarehouse.config;

/** The OLTP database the customer dimension reads its change log from. */
public enum SourceType {
    MYSQL("mysql"),
    POSTGRES("postgres");

    private final String value;

    SourceType(String value) {
        this.value = value;
    }

    /** Flink's config parser matches enum constants by {@code toString}, so this is the key's value. */
    @Override
    public String toString() {
        return value;
    }
}
