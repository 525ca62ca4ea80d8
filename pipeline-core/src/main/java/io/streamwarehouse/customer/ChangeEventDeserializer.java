package io.streamwarehouse.customer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.source.SourceRecord;
import org.apache.flink.cdc.debezium.DebeziumDeserializationSchema;
import org.apache.flink.cdc.debezium.JsonDebeziumDeserializationSchema;
import org.apache.flink.util.Collector;

/**
 * Flink CDC's {@link JsonDebeziumDeserializationSchema} JSON, with the Kafka Connect schema of the
 * record ({@code schema, payload}), plus the connector's source offset of the record, as a
 * top-level {@value #OFFSET_FIELD} object.
 *
 * <p>The offset matters on MariaDB 11.4+: its binlog carries {@code end_log_pos = 0} for the events
 * inside a transaction, so the event position in Debezium's {@code source} block is garbage (0
 * minus the event size). The offset's transaction start ({@code pos}) and event index ({@code
 * event}) stay exact on MariaDB and MySQL alike, and {@link CustomerChange#parse} builds the source
 * version from them. Use this deserializer for both MySQL/MariaDB and PostgreSQL sources.
 */
public class ChangeEventDeserializer implements DebeziumDeserializationSchema<String> {

    private static final long serialVersionUID = 1L;

    /** The top-level field that holds the source offset. */
    public static final String OFFSET_FIELD = "source_offset";

    private static final ObjectMapper JSON = new ObjectMapper();

    // with each event's schema: the column types that tell a column change the dimension can run
    // through from one that breaks it (SourceColumns)
    private final JsonDebeziumDeserializationSchema json =
            new JsonDebeziumDeserializationSchema(true);

    @Override
    public void deserialize(SourceRecord record, Collector<String> out) throws Exception {
        Map<String, ?> offset = record.sourceOffset();
        json.deserialize(
                record,
                new Collector<>() {
                    @Override
                    public void collect(String value) {
                        out.collect(withOffset(value, offset));
                    }

                    @Override
                    public void close() {}
                });
    }

    /** Adds the offset to the end of a JSON object; the text is otherwise left as it was. */
    static String withOffset(String value, Map<String, ?> offset) {
        if (offset == null || offset.isEmpty() || value == null) {
            return value;
        }
        int end = value.lastIndexOf('}');
        if (end < 0) {
            return value;
        }
        String head = value.substring(0, end).stripTrailing();
        String separator = head.endsWith("{") ? "" : ",";
        try {
            return head
                    + separator
                    + "\""
                    + OFFSET_FIELD
                    + "\":"
                    + JSON.writeValueAsString(offset)
                    + value.substring(end);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the source offset " + offset, e);
        }
    }

    @Override
    public TypeInformation<String> getProducedType() {
        return Types.STRING;
    }
}
