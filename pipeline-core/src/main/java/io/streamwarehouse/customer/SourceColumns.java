package io.streamwarehouse.customer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The columns of a change's row image with their Kafka Connect types as the source reports them now
 * (e.g. {@code int32}, {@code int64 io.debezium.time.Timestamp}), read from the schema the CDC
 * source sends with each event. The source re-reads a table's definition after an {@code ALTER
 * TABLE} (the MySQL binlog carries the DDL, PostgreSQL sends a relation message), so these are the
 * columns at the time of the change.
 */
public final class SourceColumns {
    private SourceColumns() {}

    /** The type of a column when the event carries no schema: only its presence is known. */
    public static final String UNKNOWN = "?";

    /**
     * The columns of the image the change carries (after, or before for a delete), column name to
     * type, in the table's order.
     */
    public static Map<String, String> of(JsonNode event, CustomerChange change) {
        String image = change.op() == CustomerChange.Op.DELETE ? "before" : "after";
        Map<String, String> columns = new LinkedHashMap<>();
        JsonNode fields = imageSchema(event, image);
        if (fields != null) {
            for (JsonNode field : fields) {
                String type = field.path("type").asText(UNKNOWN);
                if (field.hasNonNull("name")) {
                    type = type + " " + field.get("name").asText();
                }
                columns.put(field.path("field").asText(), type);
            }
            return columns;
        }
        Map<String, Object> values =
                change.op() == CustomerChange.Op.DELETE ? change.before() : change.after();
        if (values != null) {
            values.keySet().forEach(column -> columns.put(column, UNKNOWN));
        }
        return columns;
    }

    private static JsonNode imageSchema(JsonNode event, String image) {
        JsonNode fields = event.path("schema").path("fields");
        for (JsonNode field : fields) {
            if (image.equals(field.path("field").asText())) {
                JsonNode columns = field.get("fields");
                return columns != null && columns.isArray() ? columns : null;
            }
        }
        return null;
    }

    /**
     * How {@code now} differs from {@code before}, e.g. {@code added loyalty_tier, dropped email,
     * create_date int64 io.debezium.time.Timestamp -> int32 io.debezium.time.Year}; empty if they
     * are the same.
     */
    public static String differences(Map<String, String> before, Map<String, String> now) {
        StringBuilder text = new StringBuilder();
        for (String column : new TreeSet<>(now.keySet())) {
            if (!before.containsKey(column)) {
                append(text, "added " + column);
            }
        }
        for (String column : new TreeSet<>(before.keySet())) {
            if (!now.containsKey(column)) {
                append(text, "dropped " + column);
            }
        }
        Iterator<Map.Entry<String, String>> it = before.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, String> column = it.next();
            String type = now.get(column.getKey());
            if (type != null && !type.equals(column.getValue())) {
                append(text, column.getKey() + " " + column.getValue() + " -> " + type);
            }
        }
        return text.toString();
    }

    private static void append(StringBuilder text, String part) {
        text.append(text.length() == 0 ? "" : ", ").append(part);
    }
}
