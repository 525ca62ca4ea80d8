package io.streamwarehouse.config;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.streamwarehouse.customer.EmailPolicy;
import io.streamwarehouse.customer.SchemaChangeBehavior;
import io.streamwarehouse.customer.SourceDialect;
import io.streamwarehouse.turnstile.CounterMode;
import io.streamwarehouse.turnstile.RecordFormat;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;

/**
 * Every configuration key of the pipeline, typed, with its default and description. The keys are a
 * contract with users and scripts: rename none of them.
 */
public final class PipelineOptions {
    private PipelineOptions() {}

    // ---- OLTP source (customer dimension) ----

    public static final ConfigOption<SourceDialect> SOURCE_TYPE =
            key("source.type")
                    .enumType(SourceDialect.class)
                    .defaultValue(SourceDialect.MYSQL)
                    .withDescription(
                            "Source database of the customer dimension: mysql or postgres.");

    public static final ConfigOption<String> SOURCE_HOSTNAME =
            key("source.hostname")
                    .stringType()
                    .defaultValue("localhost")
                    .withDescription("Host name of the source database.");

    public static final ConfigOption<Integer> SOURCE_PORT =
            key("source.port")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "Port of the source database (default 3306 for mysql, 5432 for postgres).");

    public static final ConfigOption<String> SOURCE_DATABASE =
            key("source.database")
                    .stringType()
                    .defaultValue("sakila")
                    .withDescription("Database holding customer, address, city and country.");

    public static final ConfigOption<String> SOURCE_SCHEMA =
            key("source.schema")
                    .stringType()
                    .defaultValue("public")
                    .withDescription("Schema of the source tables (postgres only).");

    public static final ConfigOption<String> SOURCE_USERNAME =
            key("source.username")
                    .stringType()
                    .defaultValue("cdc")
                    .withDescription("Source user with the grants listed in sql/source.");

    public static final ConfigOption<String> SOURCE_PASSWORD =
            key("source.password")
                    .stringType()
                    .defaultValue("")
                    .withDescription("Password of the source user (secret: never logged).");

    public static final ConfigOption<String> SOURCE_SERVER_ID =
            key("source.server-id")
                    .stringType()
                    .defaultValue("5400-5404")
                    .withDescription(
                            "MySQL replica server-id range of this job's CDC source; unique per source instance.");

    public static final ConfigOption<String> SOURCE_SERVER_TIME_ZONE =
            key("source.server-time-zone")
                    .stringType()
                    .defaultValue("UTC")
                    .withDescription("Time zone of the source's TIMESTAMP/DATETIME values.");

    public static final ConfigOption<Boolean> SOURCE_ALLOW_PUBLIC_KEY_RETRIEVAL =
            key("source.allow-public-key-retrieval")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "MySQL 8 (caching_sha2_password): let the CDC source and JDBC checks"
                                    + " fetch the server's RSA key when a connection has no TLS."
                                    + " Without it, the first login after a MySQL restart (empty"
                                    + " auth cache) fails with 'Public Key Retrieval is not"
                                    + " allowed'. Set false only where every connection uses TLS.");

    public static final ConfigOption<String> SOURCE_SLOT_NAME =
            key("source.slot-name")
                    .stringType()
                    .defaultValue("dim_customer")
                    .withDescription(
                            "PostgreSQL logical replication slot of this job (one per source).");

    public static final ConfigOption<SchemaChangeBehavior> SOURCE_SCHEMA_CHANGE_BEHAVIOR =
            key("source.schema-change-behavior")
                    .enumType(SchemaChangeBehavior.class)
                    .defaultValue(SchemaChangeBehavior.LENIENT)
                    .withDescription(
                            "Column changes of the source tables: lenient keeps running through"
                                    + " added columns and dropped columns the dimension does not"
                                    + " read (staging keeps every column); exception fails the job"
                                    + " on any column added, dropped or retyped. Either fails the"
                                    + " job, naming the column, when a column the dimension reads"
                                    + " is dropped or retyped to one it cannot hold.");

    // ---- warehouse ----

    public static final ConfigOption<String> WAREHOUSE_JDBC_URL =
            key("warehouse.jdbc-url")
                    .stringType()
                    .defaultValue("jdbc:postgresql://localhost:5432/warehouse")
                    .withDescription("JDBC URL of the PostgreSQL warehouse.");

    public static final ConfigOption<String> WAREHOUSE_USERNAME =
            key("warehouse.username")
                    .stringType()
                    .defaultValue("postgres")
                    .withDescription(
                            "Warehouse user: for the jobs a login of the role warehouse_writer"
                                    + " (sql/warehouse/job_login.sql), for migrate the schema owner.");

    public static final ConfigOption<String> WAREHOUSE_PASSWORD =
            key("warehouse.password")
                    .stringType()
                    .defaultValue("")
                    .withDescription("Password of the warehouse user (secret: never logged).");

    public static final ConfigOption<Duration> WAREHOUSE_RETRY_TIMEOUT =
            key("warehouse.retry-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(5))
                    .withDescription(
                            "How long a warehouse write is retried with backoff before the job fails over.");

    // ---- Kafka / turnstile ----

    public static final ConfigOption<String> KAFKA_BOOTSTRAP_SERVERS =
            key("kafka.bootstrap-servers")
                    .stringType()
                    .defaultValue("localhost:9092")
                    .withDescription("Kafka bootstrap servers.");

    public static final ConfigOption<String> TURNSTILE_TOPIC =
            key("turnstile.topic")
                    .stringType()
                    .defaultValue("mta-turnstile")
                    .withDescription("Topic carrying turnstile readings.");

    public static final ConfigOption<String> TURNSTILE_GROUP_ID =
            key("turnstile.group-id")
                    .stringType()
                    .defaultValue("turnstile-aggregates")
                    .withDescription("Kafka consumer group of the turnstile job.");

    public static final ConfigOption<StartPosition> TURNSTILE_START_FROM =
            key("turnstile.start-from")
                    .enumType(StartPosition.class)
                    .defaultValue(StartPosition.EARLIEST)
                    .withDescription(
                            "Where to start without a checkpoint: earliest, latest or committed offsets.");

    public static final ConfigOption<RecordFormat> TURNSTILE_FORMAT =
            key("turnstile.format")
                    .enumType(RecordFormat.class)
                    .defaultValue(RecordFormat.MTA_CSV)
                    .withDescription("Record format: mta-csv, producer-csv or json.");

    public static final ConfigOption<CounterMode> TURNSTILE_COUNTER_MODE =
            key("turnstile.counter-mode")
                    .enumType(CounterMode.class)
                    .noDefaultValue()
                    .withDescription(
                            "cumulative: ENTRIES/EXITS are register readings turned into deltas; interval: they are already per-interval counts. Unset: interval for producer-csv, cumulative otherwise.");

    public static final ConfigOption<Duration> TURNSTILE_WINDOW =
            key("turnstile.window")
                    .durationType()
                    .defaultValue(Duration.ofHours(1))
                    .withDescription("Size of the event-time tumbling window.");

    public static final ConfigOption<Duration> TURNSTILE_HOP_SLIDE =
            key("turnstile.hop-slide")
                    .durationType()
                    .noDefaultValue()
                    .withDescription(
                            "If set, windows hop by this slide instead of tumbling (size turnstile.window).");

    public static final ConfigOption<Long> TURNSTILE_MAX_PER_HOUR =
            key("turnstile.max-per-hour")
                    .longType()
                    .defaultValue(2000L)
                    .withDescription(
                            "A delta above this many per hour between two readings (at least one hour) is an anomaly.");

    public static final ConfigOption<Duration> TURNSTILE_MAX_GAP =
            key("turnstile.max-gap")
                    .durationType()
                    .defaultValue(Duration.ofHours(24))
                    .withDescription(
                            "Readings further apart give no delta; the later one is a new baseline.");

    public static final ConfigOption<Long> TURNSTILE_MAX_INTERVAL_COUNT =
            key("turnstile.max-interval-count")
                    .longType()
                    .defaultValue(48_000L)
                    .withDescription(
                            "In interval mode, a count above this in one reading is an anomaly, not counted (at most 2147483647, so sums never overflow).");

    public static final ConfigOption<Duration> TURNSTILE_OUT_OF_ORDERNESS =
            key("turnstile.out-of-orderness")
                    .durationType()
                    .defaultValue(Duration.ofHours(4))
                    .withDescription("Bounded out-of-orderness of the watermark.");

    public static final ConfigOption<Duration> TURNSTILE_ALLOWED_LATENESS =
            key("turnstile.allowed-lateness")
                    .durationType()
                    .defaultValue(Duration.ZERO)
                    .withDescription(
                            "Readings this much behind the watermark are still counted; later ones are rejected as late.");

    public static final ConfigOption<Duration> TURNSTILE_IDLE_TIMEOUT =
            key("turnstile.idle-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "A Kafka partition without records for this long stops holding back the watermark of the others (0: never).");

    public static final ConfigOption<Duration> TURNSTILE_MAX_CLOCK_SKEW =
            key("turnstile.max-clock-skew")
                    .durationType()
                    .defaultValue(Duration.ofDays(1))
                    .withDescription(
                            "Readings dated further ahead of the wall clock are rejected as implausible_time and never reach the watermark.");

    public static final ConfigOption<String> TURNSTILE_EARLIEST_READING_TIME =
            key("turnstile.earliest-reading-time")
                    .stringType()
                    .defaultValue("2000-01-01T00:00")
                    .withDescription(
                            "Readings dated before this (ISO local date-time) are rejected as implausible_time.");

    public static final ConfigOption<Integer> TURNSTILE_TOPIC_PARTITIONS =
            key("turnstile.topic-partitions")
                    .intType()
                    .defaultValue(4)
                    .withDescription(
                            "Partitions of the turnstile topic that services and the sandbox create; readings are keyed by turnstile.");

    public static final ConfigOption<Integer> TURNSTILE_MAX_RECORD_BYTES =
            key("turnstile.max-record-bytes")
                    .intType()
                    .defaultValue(4096)
                    .withDescription("Records larger than this are rejected as oversized.");

    // ---- customer dimension ----

    public static final ConfigOption<EmailPolicy.Mode> CUSTOMER_EMAIL_MODE =
            key("customer.email-mode")
                    .enumType(EmailPolicy.Mode.class)
                    .defaultValue(EmailPolicy.Mode.PLAIN)
                    .withDescription(
                            "E-mail in the dimension: plain, masked or hashed (keyed hash).");

    public static final ConfigOption<String> CUSTOMER_EMAIL_HASH_KEY =
            key("customer.email-hash-key")
                    .stringType()
                    .defaultValue("")
                    .withDescription(
                            "Key of the HMAC used when customer.email-mode=hashed (secret: never logged).");

    public static final ConfigOption<Boolean> CUSTOMER_HISTORY =
            key("customer.history")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Also keep SCD Type 2 history in warehouse.dim_customer_history.");

    public static final ConfigOption<Duration> CUSTOMER_STATE_TTL =
            key("customer.state-ttl")
                    .durationType()
                    .defaultValue(Duration.ofDays(30))
                    .withDescription(
                            "How long per-row change state is kept without updates (0 keeps it forever).");

    // ---- runtime ----

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            key("checkpoint.interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "Exactly-once checkpoint interval; warehouse writes become visible at each checkpoint.");

    public static final ConfigOption<String> CHECKPOINT_DIR =
            key("checkpoint.dir")
                    .stringType()
                    .defaultValue("file:///tmp/streamwarehouse/checkpoints")
                    .withDescription(
                            "Durable checkpoint storage URI (file://, s3://, ...); {job} stands for the job's name.");

    public static final ConfigOption<Integer> JOB_PARALLELISM =
            key("job.parallelism")
                    .intType()
                    .defaultValue(1)
                    .withDescription("Default parallelism of the job's operators.");

    public static final ConfigOption<Integer> WEB_PORT =
            key("web.port")
                    .intType()
                    .defaultValue(8081)
                    .withDescription(
                            "Port of the Flink web UI of a local run (0 picks a free one).");

    /** Keys whose values are never printed. */
    public static final Set<String> SECRET_KEYS =
            Set.of(SOURCE_PASSWORD.key(), WAREHOUSE_PASSWORD.key(), CUSTOMER_EMAIL_HASH_KEY.key());

    /** All options, in declaration order, found by reflection so a new option cannot be missed. */
    public static List<ConfigOption<?>> all() {
        List<ConfigOption<?>> options = new ArrayList<>();
        for (Field field : PipelineOptions.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers())
                    && ConfigOption.class.isAssignableFrom(field.getType())) {
                try {
                    options.add((ConfigOption<?>) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return Collections.unmodifiableList(options);
    }
}
