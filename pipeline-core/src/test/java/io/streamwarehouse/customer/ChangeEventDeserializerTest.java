package io.streamwarehouse.customer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Schema;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Struct;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.source.SourceRecord;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

class ChangeEventDeserializerTest {

    @Test
    void appendsTheOffsetToTheEnvelope() {
        Map<String, Object> offset = new LinkedHashMap<>();
        offset.put("file", "mysql-bin.000002");
        offset.put("pos", 4711L);
        offset.put("event", 2);
        assertThat(ChangeEventDeserializer.withOffset("{\"op\":\"u\"}", offset))
                .isEqualTo(
                        "{\"op\":\"u\",\"source_offset\":{\"file\":\"mysql-bin.000002\",\"pos\":4711,\"event\":2}}");
        assertThat(ChangeEventDeserializer.withOffset("{}", Map.of("lsn", 5)))
                .isEqualTo("{\"source_offset\":{\"lsn\":5}}");
        assertThat(ChangeEventDeserializer.withOffset("{\"op\":\"r\"}", Map.of()))
                .isEqualTo("{\"op\":\"r\"}");
    }

    @Test
    void aMariaDbRecordBecomesJsonThatParsesWithTheTransactionPosition() throws Exception {
        Schema row =
                SchemaBuilder.struct()
                        .field("country_id", Schema.INT32_SCHEMA)
                        .field("country", Schema.STRING_SCHEMA)
                        .optional()
                        .build();
        Schema source =
                SchemaBuilder.struct()
                        .field("connector", Schema.STRING_SCHEMA)
                        .field("ts_ms", Schema.INT64_SCHEMA)
                        .field("db", Schema.STRING_SCHEMA)
                        .field("table", Schema.STRING_SCHEMA)
                        .field("file", Schema.STRING_SCHEMA)
                        .field("pos", Schema.INT64_SCHEMA)
                        .field("row", Schema.INT32_SCHEMA)
                        .build();
        Schema envelope =
                SchemaBuilder.struct()
                        .field("before", row)
                        .field("after", row)
                        .field("source", source)
                        .field("op", Schema.STRING_SCHEMA)
                        .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
                        .build();
        Struct value =
                new Struct(envelope)
                        .put(
                                "before",
                                new Struct(row).put("country_id", 7).put("country", "Austria"))
                        .put(
                                "after",
                                new Struct(row).put("country_id", 7).put("country", "Österreich"))
                        .put(
                                "source",
                                new Struct(source)
                                        .put("connector", "mysql")
                                        .put("ts_ms", 1709271648000L)
                                        .put("db", "sakila")
                                        .put("table", "country")
                                        .put("file", "mysql-bin.000004")
                                        .put("pos", -120L)
                                        .put("row", 0))
                        .put("op", "u")
                        .put("ts_ms", 1709271648100L);
        Map<String, Object> offset =
                Map.of("file", "mysql-bin.000004", "pos", 1234L, "event", 5, "row", 1);
        SourceRecord record =
                new SourceRecord(Map.of("server", "s"), offset, "topic", envelope, value);

        List<String> out = new ArrayList<>();
        new ChangeEventDeserializer().deserialize(record, collector(out));

        assertThat(out).hasSize(1);
        CustomerChange change = CustomerChange.parse(out.get(0));
        assertThat(change.sourceVersion()).isEqualTo(CustomerChange.mysqlVersion(4, 1234, 5));
        assertThat(change.sourcePosition()).isEqualTo("mysql-bin.000004:1234:5:0");
        assertThat(change.after()).containsEntry("country", "Österreich");
    }

    private static Collector<String> collector(List<String> out) {
        return new Collector<>() {
            @Override
            public void collect(String record) {
                out.add(record);
            }

            @Override
            public void close() {}
        };
    }
}
