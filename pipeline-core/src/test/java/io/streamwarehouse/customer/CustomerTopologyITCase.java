package io.streamwarehouse.customer;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwarehouse.config.OperatorIds;
import io.streamwarehouse.config.PipelineConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamEdge;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.runtime.partitioner.ForwardPartitioner;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link CustomerTopology#build} as the job builds it, fed change events in the shape the CDC
 * source emits, on a mini cluster with parallelism 2 behind a source of parallelism 1.
 */
class CustomerTopologyITCase {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    /**
     * A row's changes must reach its normalizer through one channel: everything between the one
     * source reader and the keyed normalizers runs in the reader's chain. (A filter at the job's
     * parallelism once dealt them round-robin to two channels; a later change then overtook an
     * earlier one of the same row, which was dropped as a replay.)
     */
    @Test
    void everyChangeReachesItsNormalizerInLogOrder() {
        StreamExecutionEnvironment env = environment();
        CustomerTopology.build(StreamTableEnvironment.create(env), source(env), config());
        StreamGraph graph = env.getStreamGraph(false);

        List<StreamNode> normalizers =
                graph.getStreamNodes().stream()
                        .filter(
                                n ->
                                        n.getOperatorName()
                                                .startsWith(
                                                        OperatorIds.CUSTOMER_NORMALIZE.displayName))
                        .toList();
        assertThat(normalizers).hasSize(SourceTable.values().length);
        for (StreamNode normalizer : normalizers) {
            for (StreamEdge in : normalizer.getInEdges()) {
                StreamNode filter = graph.getStreamNode(in.getSourceId());
                assertThat(filter.getParallelism())
                        .as("parallelism of %s, before %s", filter, normalizer)
                        .isEqualTo(1);
                for (StreamEdge intoFilter : filter.getInEdges()) {
                    assertThat(intoFilter.getPartitioner())
                            .as("edge into %s", filter)
                            .isInstanceOf(ForwardPartitioner.class);
                }
            }
        }
    }

    /**
     * Snapshot reads, then a customer's move and a later change of the address it left: the
     * dimension row built by the job's own topology ends at the new address, with the parts it was
     * joined from.
     */
    @Test
    void snapshotAndChangesEndInTheSourceJoin() throws Exception {
        StreamExecutionEnvironment env = environment();
        CustomerTopology.Outputs out =
                CustomerTopology.build(StreamTableEnvironment.create(env), source(env), config());

        Map<Integer, Row> rows = new TreeMap<>();
        try (CloseableIterator<Row> it = out.dimension().executeAndCollect()) {
            it.forEachRemaining(r -> rows.put((Integer) r.getField("customer_id"), r));
        }

        assertThat(rows).containsOnlyKeys(1, 2);
        Row moved = rows.get(1);
        assertThat(moved.getField("address_id")).isEqualTo(11);
        assertThat(moved.getField("address")).isEqualTo("2 Oak Road");
        assertThat(moved.getField("city")).isEqualTo("Alpha");
        assertThat(moved.getField("country")).isEqualTo("Peru");
        assertThat(moved.getField("email")).isEqualTo("MARY.SMITH@sakilacustomer.org");
        Row stayed = rows.get(2);
        assertThat(stayed.getField("address_id")).isEqualTo(10);
        assertThat(stayed.getField("phone")).isEqualTo("555-0100");
    }

    private static StreamExecutionEnvironment environment() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        return env;
    }

    private static PipelineConfig config() {
        return PipelineConfig.of(Map.of("customer.state-ttl", "0 s"));
    }

    /** The events of one source reader, in log order. */
    private static DataStream<String> source(StreamExecutionEnvironment env) {
        List<String> events = new ArrayList<>();
        events.add(read("country", "{\"country_id\":1000,\"country\":\"Peru\"}"));
        events.add(read("city", "{\"city_id\":100,\"city\":\"Alpha\",\"country_id\":1000}"));
        events.add(read("address", address(10, "1 Elm Street", "555-0000")));
        events.add(read("address", address(11, "2 Oak Road", "555-0001")));
        events.add(read("customer", customer(1, "MARY", "SMITH", 10)));
        events.add(read("customer", customer(2, "PATRICIA", "JOHNSON", 10)));
        events.add(
                change(
                        "customer",
                        customer(1, "MARY", "SMITH", 10),
                        customer(1, "MARY", "SMITH", 11),
                        1_000));
        events.add(
                change(
                        "address",
                        address(10, "1 Elm Street", "555-0000"),
                        address(10, "1 Elm Street", "555-0100"),
                        2_000));
        return env.fromData(events).setParallelism(1);
    }

    private static String customer(int id, String first, String last, int address) {
        return String.format(
                "{\"customer_id\":%d,\"store_id\":1,\"first_name\":\"%s\",\"last_name\":\"%s\","
                        + "\"email\":\"%s.%s@sakilacustomer.org\",\"address_id\":%d,\"active\":1,"
                        + "\"create_date\":1135221931000}",
                id, first, last, first, last, address);
    }

    private static String address(int id, String street, String phone) {
        return String.format(
                "{\"address_id\":%d,\"address\":\"%s\",\"address2\":\"\",\"district\":\"Ohio\","
                        + "\"city_id\":100,\"postal_code\":\"12345\",\"phone\":\"%s\"}",
                id, street, phone);
    }

    private static String read(String table, String row) {
        return envelope(table, "r", "null", row, 0);
    }

    private static String change(String table, String before, String after, long position) {
        return envelope(table, "u", before, after, position);
    }

    private static String envelope(
            String table, String op, String before, String after, long position) {
        String file = position == 0 ? "" : "mysql-bin.000001";
        return String.format(
                "{\"before\":%s,\"after\":%s,\"source\":{\"version\":\"1.9.8.Final\","
                        + "\"connector\":\"mysql\",\"name\":\"mysql_binlog_source\",\"ts_ms\":%d,"
                        + "\"snapshot\":\"false\",\"db\":\"sakila\",\"table\":\"%s\",\"server_id\":1,"
                        + "\"file\":\"%s\",\"pos\":%d,\"row\":0},\"op\":\"%s\","
                        + "\"ts_ms\":1709271644229,\"source_offset\":{\"file\":\"%s\",\"pos\":%d,"
                        + "\"event\":1}}",
                before,
                after,
                1709271644000L + position,
                table,
                file,
                position,
                op,
                file,
                position);
    }
}
