package io.streamwarehouse.customer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * One row change of a captured source table, parsed from the JSON that Flink CDC's {@code
 * JsonDebeziumDeserializationSchema} emits for MySQL/MariaDB and PostgreSQL.
 *
 * <p>The row images stay JSON text: that is what staging stores, and it keeps this record a plain
 * Flink POJO (no Kryo for a {@code Map<String, Object>}). {@link #before()} and {@link #after()}
 * parse them on demand.
 *
 * <p>{@code sourceVersion} orders the changes of one row along the source log, so that a replayed
 * or older change can be recognised and ignored ({@code version <= last applied}):
 *
 * <ul>
 *   <li>MySQL/MariaDB: the binlog file's sequence number, a position in the file and an index below
 *       it, packed as {@code seq << 43 | position << 11 | index} (2^20 files, positions below 4
 *       GiB). With the connector offset that {@link ChangeEventDeserializer} adds, the position is
 *       the transaction's start and the index the event inside the transaction: this is the only
 *       coordinate that works on MariaDB 11.4+, which writes {@code end_log_pos = 0} for the events
 *       inside a transaction so Debezium's {@code source.pos} comes out negative. Without the
 *       offset (plain {@code JsonDebeziumDeserializationSchema} on MySQL) the position is the
 *       event's and the index the row inside it. Either way the value increases along the binlog,
 *       which is written in commit order; indexes above 2047 share the last slot, which only
 *       matters if one transaction of more than 2047 events changed the same row twice after that
 *       point.
 *   <li>PostgreSQL: the change's LSN. Row locks make the LSNs of one row's changes increase in
 *       commit order.
 *   <li>Snapshot reads ({@code op = r}): 0, so that any streamed change of the row wins over the
 *       snapshot image. Flink CDC's incremental snapshot already merges the changes made while a
 *       chunk was read into that chunk's images.
 * </ul>
 *
 * <p>{@code sourcePosition} names the change uniquely and is the idempotency key of staging: {@code
 * mysql-bin.000003:1234:2:0} (file, transaction start, event, row) or {@code
 * mysql-bin.000003:1234:0} (file, event, row) without the offset, {@code lsn:0/16B3748}, and for
 * snapshot reads {@code snapshot:} plus a hash of the row image, so reading the same row again (a
 * restarted snapshot) does not stage it twice while a changed row is staged again.
 */
public record CustomerChange(
        SourceTable table,
        Op op,
        int primaryKey,
        long sourceVersion,
        String sourcePosition,
        Long sourceTsMillis,
        String database,
        String beforeJson,
        String afterJson) {

    private static final ObjectMapper JSON =
            new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    private static final TypeReference<LinkedHashMap<String, Object>> MAP_TYPE =
            new TypeReference<>() {};

    private static final String SNAPSHOT_PREFIX = "snapshot:";

    static final int INDEX_BITS = 11;
    static final int POSITION_BITS = 32;
    static final int FILE_BITS = 63 - POSITION_BITS - INDEX_BITS;

    /** Debezium's operation codes. */
    public enum Op {
        READ("r"),
        CREATE("c"),
        UPDATE("u"),
        DELETE("d");

        private final String code;

        Op(String code) {
            this.code = code;
        }

        /** The one-letter code as Debezium writes it (and staging stores it). */
        public String code() {
            return code;
        }

        public static Op ofCode(String code) {
            for (Op op : values()) {
                if (op.code.equals(code)) {
                    return op;
                }
            }
            throw new ChangeParseException("unsupported operation '" + code + "'");
        }
    }

    /**
     * Parses one change event. Accepts the plain envelope ({@code before, after, source, op,
     * ts_ms}) and the one with a Kafka Connect schema ({@code schema, payload}).
     *
     * @throws ChangeParseException if the event is not a row change of one of the four tables
     */
    public static CustomerChange parse(String json) {
        if (json == null || json.isBlank()) {
            throw new ChangeParseException("empty change event");
        }
        return parse(readTree(json));
    }

    /** The event as a JSON tree, for callers that look at more than the change (its schema). */
    public static JsonNode readTree(String json) {
        if (json == null || json.isBlank()) {
            throw new ChangeParseException("empty change event");
        }
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ChangeParseException("not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** As {@link #parse(String)}, on the event's JSON tree. */
    public static CustomerChange parse(JsonNode envelope) {
        JsonNode root = envelope;
        if (root.has("payload") && root.has("schema")) {
            root = root.get("payload");
        }
        if (root == null || !root.isObject()) {
            throw new ChangeParseException("change event is not a JSON object");
        }
        JsonNode source = root.get("source");
        if (source == null || !source.isObject()) {
            throw new ChangeParseException("change event has no source block");
        }
        Op op = Op.ofCode(text(root, "op"));
        String tableName = text(source, "table");
        SourceTable table = SourceTable.ofName(tableName);
        if (table == null) {
            throw new ChangeParseException("table '" + tableName + "' is not a captured table");
        }
        JsonNode before = objectOrNull(root.get("before"));
        JsonNode after = objectOrNull(root.get("after"));
        if (op == Op.DELETE ? before == null : after == null) {
            throw new ChangeParseException(
                    "operation " + op.code() + " on " + tableName + " has no row image");
        }
        Map<String, Object> keyImage = toMap(after != null ? after : before);
        Integer key;
        try {
            key = table.primaryKeyOf(keyImage);
        } catch (RuntimeException e) {
            throw new ChangeParseException(
                    "bad "
                            + table.primaryKeyColumn()
                            + " in "
                            + tableName
                            + " change: "
                            + e.getMessage(),
                    e);
        }
        if (key == null) {
            throw new ChangeParseException(
                    tableName + " change has no " + table.primaryKeyColumn());
        }

        long version;
        String position;
        if (op == Op.READ) {
            version = 0L;
            position = SNAPSHOT_PREFIX + fingerprint(after);
        } else if (source.hasNonNull("file")) {
            String file = text(source, "file");
            long row = source.path("row").asLong(0);
            // beside the payload when the event carries its schema, else beside the change
            JsonNode offset =
                    envelope.has(ChangeEventDeserializer.OFFSET_FIELD)
                            ? envelope.get(ChangeEventDeserializer.OFFSET_FIELD)
                            : root.get(ChangeEventDeserializer.OFFSET_FIELD);
            if (offset != null && offset.hasNonNull("pos") && offset.hasNonNull("file")) {
                String offsetFile = offset.get("file").asText();
                long txStart = offset.get("pos").asLong();
                long event = offset.path("event").asLong(0);
                version = mysqlVersion(binlogSequence(offsetFile), txStart, event);
                position = offsetFile + ":" + txStart + ":" + event + ":" + row;
            } else {
                long pos = source.path("pos").asLong(-1);
                if (pos < 0) {
                    throw new ChangeParseException(
                            "binlog position "
                                    + pos
                                    + " is unusable (MariaDB 11.4+ writes end_log_pos 0 inside"
                                    + " transactions); read the source with ChangeEventDeserializer,"
                                    + " which adds the connector offset");
                }
                version = mysqlVersion(binlogSequence(file), pos, row);
                position = file + ":" + pos + ":" + row;
            }
        } else if (source.hasNonNull("lsn")) {
            long lsn = source.get("lsn").asLong();
            if (lsn <= 0) {
                throw new ChangeParseException("bad lsn " + source.get("lsn"));
            }
            version = lsn;
            position = "lsn:" + formatLsn(lsn);
        } else {
            throw new ChangeParseException(
                    "source block has neither a binlog position (file, pos) nor an lsn");
        }

        long sourceTs = source.path("ts_ms").asLong(0);
        if (sourceTs <= 0) {
            // Snapshot reads carry no commit time; the connector's read time is the best "as of".
            sourceTs = root.path("ts_ms").asLong(0);
        }
        String database = source.path("db").asText("");
        if (source.hasNonNull("schema")) {
            database = database + "." + source.get("schema").asText();
        }
        return new CustomerChange(
                table,
                op,
                key,
                version,
                position,
                sourceTs > 0 ? sourceTs : null,
                database,
                before == null ? null : before.toString(),
                after == null ? null : after.toString());
    }

    /** The key the change stream is partitioned by: table and primary key, e.g. {@code city:42}. */
    public String key() {
        return table.tableName() + ":" + primaryKey;
    }

    /** Partitions a change stream by {@link #key()}. */
    public static KeySelector<CustomerChange, String> keySelector() {
        return CustomerChange::key;
    }

    public boolean isSnapshot() {
        return op == Op.READ;
    }

    /**
     * The change's position as staging keys it in the job lifetime of {@code snapshotEpoch}: a
     * snapshot read is named by its epoch too, so a restarted snapshot stages nothing twice while a
     * new snapshot stages its reads as its own; a streamed change keeps its log position, so two
     * lifetimes that both read it stage it once.
     */
    public String sourcePositionIn(long snapshotEpoch) {
        if (!isSnapshot() || snapshotEpoch == 0L) {
            return sourcePosition;
        }
        return SNAPSHOT_PREFIX
                + snapshotEpoch
                + ":"
                + sourcePosition.substring(SNAPSHOT_PREFIX.length());
    }

    /** The source commit time (or, for snapshot reads, the read time), if known. */
    public Instant sourceTimestamp() {
        return sourceTsMillis == null ? null : Instant.ofEpochMilli(sourceTsMillis);
    }

    /** The row before the change (null for inserts and snapshot reads), column name to value. */
    public Map<String, Object> before() {
        return beforeJson == null ? null : parseImage(beforeJson);
    }

    /** The row after the change (null for deletes), column name to value. */
    public Map<String, Object> after() {
        return afterJson == null ? null : parseImage(afterJson);
    }

    /**
     * This change with the e-mail policy applied to the {@code email} of both row images (customer
     * changes only), for wherever the images are stored: staging keeps what the dimension would not
     * show otherwise. Position and version stay those of the source.
     */
    public CustomerChange withEmailPolicy(EmailPolicy policy) {
        if (table != SourceTable.CUSTOMER || policy.mode() == EmailPolicy.Mode.PLAIN) {
            return this;
        }
        return new CustomerChange(
                table,
                op,
                primaryKey,
                sourceVersion,
                sourcePosition,
                sourceTsMillis,
                database,
                withEmail(beforeJson, policy),
                withEmail(afterJson, policy));
    }

    private static String withEmail(String imageJson, EmailPolicy policy) {
        if (imageJson == null) {
            return null;
        }
        Map<String, Object> image = parseImage(imageJson);
        Object email = image.get("email");
        if (!(email instanceof String)) {
            return imageJson;
        }
        image.put("email", policy.apply((String) email));
        try {
            return JSON.writeValueAsString(image);
        } catch (JsonProcessingException e) {
            throw new ChangeParseException(
                    "cannot write a row image: " + e.getOriginalMessage(), e);
        }
    }

    /** Packs a binlog coordinate into a long that increases along the log (see class comment). */
    public static long mysqlVersion(long fileSequence, long position, long index) {
        if (fileSequence < 0 || fileSequence >= (1L << FILE_BITS)) {
            throw new ChangeParseException("binlog file sequence out of range: " + fileSequence);
        }
        if (position < 0 || position >= (1L << POSITION_BITS)) {
            throw new ChangeParseException("binlog position out of range: " + position);
        }
        long i = Math.min(Math.max(index, 0), (1L << INDEX_BITS) - 1);
        return (fileSequence << (POSITION_BITS + INDEX_BITS)) | (position << INDEX_BITS) | i;
    }

    /** The sequence number of a binlog file name, e.g. 3 for {@code mysql-bin.000003}. */
    public static long binlogSequence(String file) {
        int dot = file == null ? -1 : file.lastIndexOf('.');
        if (dot < 0 || dot == file.length() - 1) {
            throw new ChangeParseException("binlog file name without a sequence number: " + file);
        }
        try {
            return Long.parseLong(file.substring(dot + 1));
        } catch (NumberFormatException e) {
            throw new ChangeParseException("binlog file name without a sequence number: " + file);
        }
    }

    /** PostgreSQL's text form of an LSN, e.g. {@code 0/16B3748}. */
    public static String formatLsn(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase()
                + "/"
                + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }

    private static Map<String, Object> parseImage(String json) {
        try {
            return JSON.readValue(json, MAP_TYPE);
        } catch (JsonProcessingException e) {
            throw new ChangeParseException("bad row image: " + e.getOriginalMessage(), e);
        }
    }

    private static Map<String, Object> toMap(JsonNode node) {
        return JSON.convertValue(node, MAP_TYPE);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new ChangeParseException("change event has no " + field);
        }
        return v.asText();
    }

    private static JsonNode objectOrNull(JsonNode node) {
        return node == null || node.isNull() ? null : node;
    }

    /** Hash of a row image with its columns sorted, so the same row always gives the same text. */
    private static String fingerprint(JsonNode image) {
        try {
            String canonical = JSON.writeValueAsString(new TreeMap<>(toMap(image)));
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
