package io.streamwarehouse.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Column changes judged from the Kafka Connect schema each change event carries: what the dimension
 * can run through, what breaks its mapping, and what {@code exception} refuses.
 */
class SourceSchemaChangeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The customer columns as MySQL/MariaDB's CDC source types them. */
    private static Map<String, String> mysqlCustomer() {
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("customer_id", "int32");
        columns.put("store_id", "int16");
        columns.put("first_name", "string");
        columns.put("last_name", "string");
        columns.put("email", "string");
        columns.put("address_id", "int32");
        columns.put("active", "int16");
        columns.put("create_date", "int64 io.debezium.time.Timestamp");
        columns.put("last_update", "string io.debezium.time.ZonedTimestamp");
        return columns;
    }

    /** MARIADB_UPDATE_CUSTOMER with a schema of these columns, its after image holding them. */
    private static String event(Map<String, String> columns) throws Exception {
        ObjectNode payload = (ObjectNode) JSON.readTree(CdcEvents.MARIADB_UPDATE_CUSTOMER);
        ObjectNode offset = (ObjectNode) payload.remove(ChangeEventDeserializer.OFFSET_FIELD);
        ObjectNode after = (ObjectNode) payload.get("after");
        columns.keySet().forEach(c -> after.putIfAbsent(c, JSON.getNodeFactory().textNode("x")));
        after.retain(columns.keySet());
        ObjectNode root = JSON.createObjectNode();
        ObjectNode schema = root.putObject("schema");
        ArrayNode envelope = schema.putArray("fields");
        for (String image : new String[] {"before", "after"}) {
            ObjectNode field = envelope.addObject().put("type", "struct").put("field", image);
            ArrayNode fields = field.putArray("fields");
            columns.forEach(
                    (name, type) -> {
                        String[] parts = type.split(" ", 2);
                        ObjectNode f = fields.addObject().put("type", parts[0]).put("field", name);
                        if (parts.length > 1) {
                            f.put("name", parts[1]);
                        }
                    });
        }
        root.set("payload", payload);
        root.set(ChangeEventDeserializer.OFFSET_FIELD, offset);
        return root.toString();
    }

    private static OneInputStreamOperatorTestHarness<String, CustomerChange> harness(
            SchemaChangeBehavior behavior) throws Exception {
        var harness =
                new OneInputStreamOperatorTestHarness<>(
                        new ProcessOperator<>(new ParseChanges(behavior)));
        harness.open();
        return harness;
    }

    @Test
    void anEventWithItsSchemaParsesAsWithout() throws Exception {
        CustomerChange plain = CustomerChange.parse(CdcEvents.MARIADB_UPDATE_CUSTOMER);
        CustomerChange withSchema = CustomerChange.parse(event(mysqlCustomer()));
        assertThat(withSchema.sourceVersion()).isEqualTo(plain.sourceVersion());
        assertThat(withSchema.sourcePosition()).isEqualTo(plain.sourcePosition());
    }

    @Test
    void lenientRunsThroughAnAddedColumnAndStagesIt() throws Exception {
        Map<String, String> columns = mysqlCustomer();
        columns.put("loyalty_tier", "string");
        try (var harness = harness(SchemaChangeBehavior.LENIENT)) {
            harness.processElement(event(columns), 1L);
            assertThat(harness.extractOutputValues()).hasSize(1);
            assertThat(harness.extractOutputValues().get(0).after()).containsKey("loyalty_tier");
        }
    }

    @Test
    void aDroppedColumnTheDimensionReadsFailsForGoodNamingIt() throws Exception {
        Map<String, String> columns = mysqlCustomer();
        columns.remove("email");
        try (var harness = harness(SchemaChangeBehavior.LENIENT)) {
            assertThatThrownBy(() -> harness.processElement(event(columns), 1L))
                    .isInstanceOf(SuppressRestartsException.class)
                    .rootCause()
                    .isInstanceOf(SourceSchemaChanged.class)
                    .hasMessageContaining("customer.email is gone")
                    .hasMessageContaining("./pipeline resnapshot customer-dimension");
            assertThat(harness.extractOutputValues()).isEmpty();
        }
    }

    @Test
    void aTypeTheDimensionCannotHoldFails() throws Exception {
        Map<String, String> columns = mysqlCustomer();
        columns.put("create_date", "int32 io.debezium.time.Year");
        try (var harness = harness(SchemaChangeBehavior.LENIENT)) {
            assertThatThrownBy(() -> harness.processElement(event(columns), 1L))
                    .rootCause()
                    .hasMessageContaining("customer.create_date is now of type int32")
                    .hasMessageContaining("(TIMESTAMP) cannot hold");
        }
    }

    @Test
    void aNarrowerIntegerStillMaps() throws Exception {
        Map<String, String> columns = mysqlCustomer();
        columns.put("store_id", "int8");
        columns.put("create_date", "int32 io.debezium.time.Date");
        try (var harness = harness(SchemaChangeBehavior.LENIENT)) {
            harness.processElement(event(columns), 1L);
            assertThat(harness.extractOutputValues()).hasSize(1);
        }
    }

    @Test
    void exceptionFailsOnAnAddedColumnAfterTheFirstImage() throws Exception {
        Map<String, String> added = mysqlCustomer();
        added.put("loyalty_tier", "string");
        try (var harness = harness(SchemaChangeBehavior.EXCEPTION)) {
            harness.processElement(event(mysqlCustomer()), 1L);
            harness.processElement(event(mysqlCustomer()), 2L);
            assertThatThrownBy(() -> harness.processElement(event(added), 3L))
                    .rootCause()
                    .hasMessageContaining("source table customer changed its columns")
                    .hasMessageContaining("added loyalty_tier")
                    .hasMessageContaining("source.schema-change-behavior=lenient");
        }
    }

    @Test
    void theFailureLineIsFoundInAJobFailure() {
        String failure =
                "org.apache.flink.runtime.execution.SuppressRestartsException: Unrecoverable\n"
                        + "Caused by: io.streamwarehouse.customer.SourceSchemaChanged: source column"
                        + " customer.email is gone\n\tat x.y(Z.java:1)";
        assertThat(SourceSchemaChanged.messageIn(failure))
                .isEqualTo("source column customer.email is gone");
        assertThat(SourceSchemaChanged.messageIn("java.io.IOException: other")).isNull();
    }
}
