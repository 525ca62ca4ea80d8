package io.streamwarehouse.config;

/**
 * Stable uids and readable names of every stateful (and every other) operator of both jobs. A
 * savepoint maps state to operators by uid, so these strings must never change once released; the
 * names are what the web UI shows.
 */
public enum OperatorIds {
    TURNSTILE_SOURCE("turnstile-kafka-source", "Kafka: parse turnstile readings"),
    TURNSTILE_PARSE("turnstile-parse", "Readings | rejects"),
    TURNSTILE_DELTAS("turnstile-counter-deltas", "Dedup + counter deltas per turnstile"),
    TURNSTILE_WINDOW_ROWS("turnstile-window-rows", "Turnstile window rows"),
    STATION_WINDOW_ROWS("station-window-rows", "Station window rows"),
    TURNSTILE_WINDOW_SINK("turnstile-window-sink", "Upsert warehouse.turnstile_window"),
    STATION_WINDOW_SINK("station-window-sink", "Upsert warehouse.station_window"),
    TURNSTILE_REJECT_SINK("turnstile-reject-sink", "Insert warehouse.turnstile_rejects"),
    TURNSTILE_ANOMALY_SINK("turnstile-anomaly-sink", "Insert warehouse.turnstile_anomalies"),

    // Flink names a chain of operators after all of them and warns when that exceeds 80 characters:
    // "Source: CDC -> Parse change events -> (country, city, address, customer)" stays below
    CUSTOMER_SOURCE("customer-cdc-source", "CDC"),
    CUSTOMER_PARSE("customer-parse-changes", "Parse change events"),
    CUSTOMER_STAGING_SINK("customer-staging-sink", "Insert staging.customer_changes"),
    CUSTOMER_REJECTS_SINK("customer-rejects-sink", "Insert audit.source_rejects"),
    CUSTOMER_NORMALIZE("customer-normalize", "Drop no-op changes per row"),
    CUSTOMER_DIMENSION_ROWS("customer-dimension-rows", "Dimension rows"),
    CUSTOMER_LATEST_COMBINATION("customer-latest-combination", "Newest combination per customer"),
    CUSTOMER_DIMENSION_SINK("customer-dimension-sink", "Upsert warehouse.dim_customer"),
    CUSTOMER_HISTORY_SINK("customer-history-sink", "SCD2 warehouse.dim_customer_history");

    public final String uid;
    public final String displayName;

    OperatorIds(String uid, String displayName) {
        this.uid = uid;
        this.displayName = displayName;
    }
}
