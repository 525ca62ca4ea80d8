package io.streamwarehouse.customer;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.streamwarehouse.config.OptionGroup;
import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.customer.source.SourceDialect;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;

/**
 * The options of the customer dimension: its OLTP source ({@code source.*}) and the dimension
 * itself ({@code customer.*}). The keys are a contract with users and scripts: rename none of them.
 */
public final class CustomerOptions implements OptionGroup {

    /** For {@link java.util.ServiceLoader}; the options are the constants. */
    public CustomerOptions() {}

    // ---- OLTP source ----

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

    public static final ConfigOption<Integer> SOURCE_SNAPSHOT_CHUNK_SIZE =
            key("source.snapshot-chunk-size")
                    .intType()
                    .defaultValue(8096)
                    .withDescription(
                            "Rows per chunk of the initial snapshot (Flink CDC's"
                                    + " scan.incremental.snapshot.chunk.size): each chunk is one"
                                    + " query and one log read-back, and one chunk's rows are held"
                                    + " by the source reader at a time.");

    public static final ConfigOption<Integer> SOURCE_SNAPSHOT_FETCH_SIZE =
            key("source.snapshot-fetch-size")
                    .intType()
                    .defaultValue(1024)
                    .withDescription(
                            "Rows fetched per round trip while a snapshot chunk is read"
                                    + " (Flink CDC's scan.snapshot.fetch.size).");

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

    @Override
    public List<ConfigOption<?>> options() {
        return OptionGroup.declaredIn(CustomerOptions.class);
    }

    @Override
    public Set<ConfigOption<?>> secrets() {
        return Set.of(SOURCE_PASSWORD, CUSTOMER_EMAIL_HASH_KEY);
    }

    @Override
    public Map<ConfigOption<String>, Pattern> identifiers() {
        return Map.of(
                SOURCE_DATABASE, Pattern.compile("[A-Za-z0-9_]{1,64}"),
                SOURCE_SCHEMA, Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}"),
                SOURCE_SLOT_NAME, Pattern.compile("[a-z0-9_]{1,63}"));
    }

    /** The source port, defaulting by source type when not set. */
    public static int sourcePort(PipelineConfig config) {
        if (config.contains(SOURCE_PORT)) {
            return config.get(SOURCE_PORT);
        }
        return config.get(SOURCE_TYPE) == SourceDialect.MYSQL ? 3306 : 5432;
    }
}
