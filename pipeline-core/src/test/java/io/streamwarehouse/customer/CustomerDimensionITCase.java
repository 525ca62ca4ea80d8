package io.streamwarehouse.customer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.types.DataType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dimension query on a mini cluster with parallelism 2, so the joins really repartition by
 * address, city and country id and messages of one customer take different paths.
 */
class CustomerDimensionITCase {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final LocalDateTime CREATED = LocalDateTime.of(2006, 2, 14, 22, 4, 36);
    private static final Instant T0 = Instant.parse("2024-03-01T10:00:00Z");

    private StreamExecutionEnvironment env;
    private StreamTableEnvironment tableEnv;

    @BeforeEach
    void setUp() {
        env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        tableEnv = StreamTableEnvironment.create(env);
    }

    @Test
    void joinsSnapshotRowsIntoOneDenormalisedRowPerCustomer() throws Exception {
        Table customer =
                values(
                        SourceTable.CUSTOMER,
                        customer(1, "MARY", "SMITH", 10, false, null, 0),
                        customer(2, "JOHN", "DOE", 11, false, null, 0),
                        // Points at an address that does not exist (yet): the customer must
                        // survive.
                        customer(4, "ANN", "LEE", 99, false, null, 0),
                        customer(5, "GONE", "AWAY", 10, true, T0.plusSeconds(5), 700));
        Table address =
                values(
                        SourceTable.ADDRESS,
                        address(10, "1 Elm Street", 100, 300),
                        address(11, "2 Oak Road", 101, 0));
        Table city =
                values(SourceTable.CITY, city(100, "Alpha", 1000, 0), city(101, "Beta", 1001, 900));
        Table country =
                values(SourceTable.COUNTRY, country(1000, "Peru", 0), country(1001, "Chile", 0));

        Table dim = CustomerDimension.join(customer, address, city, country);
        assertThat(dim.getResolvedSchema().getColumnNames())
                .containsExactlyElementsOf(
                        Stream.concat(
                                        CustomerDimension.COLUMNS.stream(),
                                        LatestCombination.PART_VERSIONS.stream())
                                .toList());
        Map<Integer, Row> rows = materialize(CustomerDimension.toUpsertStream(tableEnv, dim));

        assertThat(rows).containsOnlyKeys(1, 2, 4, 5);
        assertThat(rows.get(1))
                .isEqualTo(
                        Row.of(
                                1,
                                1,
                                "MARY",
                                "SMITH",
                                "MARY.SMITH@sakilacustomer.org",
                                true,
                                CREATED,
                                10,
                                "1 Elm Street",
                                "",
                                "Ohio",
                                "12345",
                                "555-0100",
                                100,
                                "Alpha",
                                1000,
                                "Peru",
                                false,
                                null,
                                300L,
                                T0.plusSeconds(300)));
        // The newest part decides the version: city 101 changed at version 900.
        assertThat(column(rows.get(2), "source_version")).isEqualTo(900L);
        assertThat(column(rows.get(2), "city")).isEqualTo("Beta");
        assertThat(column(rows.get(4), "address")).isNull();
        assertThat(column(rows.get(4), "city_id")).isNull();
        assertThat(column(rows.get(4), "source_version")).isEqualTo(0L);
        assertThat(column(rows.get(5), "is_deleted")).isEqualTo(true);
        assertThat(column(rows.get(5), "deleted_at")).isEqualTo(T0.plusSeconds(5));
        assertThat(column(rows.get(5), "source_version")).isEqualTo(700L);
    }

    @Test
    void anAddressUpdateUpdatesEveryCustomerLivingThere() throws Exception {
        List<Row> customers = new ArrayList<>();
        customers.add(customer(1, "MARY", "SMITH", 10, false, null, 0));
        customers.add(customer(2, "JOHN", "DOE", 11, false, null, 0));
        customers.add(customer(3, "JANE", "DOE", 11, false, null, 0));
        customers.add(customer(6, "TIM", "DOE", 11, false, null, 0));
        Row before = address(11, "2 Oak Road", 101, 0);
        before.setKind(RowKind.UPDATE_BEFORE);
        Row after = address(11, "3 Pine Lane", 101, 500);
        after.setKind(RowKind.UPDATE_AFTER);
        List<Row> addresses =
                List.of(
                        address(10, "1 Elm Street", 100, 0),
                        address(11, "2 Oak Road", 101, 0),
                        before,
                        after);

        Table dim =
                CustomerDimension.join(
                        changelog(SourceTable.CUSTOMER, customers),
                        changelog(SourceTable.ADDRESS, addresses),
                        changelog(
                                SourceTable.CITY,
                                List.of(city(100, "Alpha", 1000, 0), city(101, "Beta", 1000, 0))),
                        changelog(SourceTable.COUNTRY, List.of(country(1000, "Peru", 0))));
        Map<Integer, Row> rows = materialize(CustomerDimension.toUpsertStream(tableEnv, dim));

        for (int id : List.of(2, 3, 6)) {
            assertThat(column(rows.get(id), "address")).isEqualTo("3 Pine Lane");
            assertThat(column(rows.get(id), "source_version")).isEqualTo(500L);
            assertThat(column(rows.get(id), "source_ts")).isEqualTo(T0.plusSeconds(500));
        }
        assertThat(column(rows.get(1), "address")).isEqualTo("1 Elm Street");
        assertThat(column(rows.get(1), "source_version")).isEqualTo(0L);
    }

    @Test
    void cdcEventsBecomeTheDimensionThroughTheNormalizers() throws Exception {
        List<String> events = new ArrayList<>();
        events.add(event("country", "r", 0, null, "{\"country_id\":1000,\"country\":\"Peru\"}"));
        events.add(
                event(
                        "city",
                        "r",
                        0,
                        null,
                        "{\"city_id\":100,\"city\":\"Alpha\",\"country_id\":1000}"));
        events.add(event("address", "r", 0, null, addressJson(10, "1 Elm Street")));
        events.add(event("customer", "r", 0, null, customerJson(1, "MARY.SMITH", 10, "t1")));
        events.add(event("customer", "r", 0, null, customerJson(2, "JOHN.DOE", 10, "t1")));
        events.add(event("customer", "r", 0, null, customerJson(3, "JANE.ROE", 10, "t1")));
        // Stream: a shared address changes, a city is renamed, a customer leaves, one is only
        // touched.
        events.add(
                event(
                        "address",
                        "u",
                        100,
                        addressJson(10, "1 Elm Street"),
                        addressJson(10, "9 Birch Way")));
        events.add(
                event(
                        "city",
                        "u",
                        200,
                        "{\"city_id\":100,\"city\":\"Alpha\",\"country_id\":1000}",
                        "{\"city_id\":100,\"city\":\"Alpha Nova\",\"country_id\":1000}"));
        events.add(event("customer", "d", 300, customerJson(3, "JANE.ROE", 10, "t1"), null));
        events.add(
                event(
                        "customer",
                        "u",
                        400,
                        customerJson(1, "MARY.SMITH", 10, "t1"),
                        customerJson(1, "MARY.SMITH", 10, "t2")));
        // The address change once more, as a replay after a failover.
        events.add(
                event(
                        "address",
                        "u",
                        100,
                        addressJson(10, "1 Elm Street"),
                        addressJson(10, "9 Birch Way")));

        DataStream<CustomerChange> changes =
                env.fromData(events)
                        .map(CustomerChange::parse)
                        .returns(CustomerChange.class)
                        .setParallelism(1);
        Map<SourceTable, Table> tables = new EnumMap<>(SourceTable.class);
        for (SourceTable t : SourceTable.values()) {
            DataStream<Row> normalized =
                    changes.filter(c -> c.table() == t)
                            .keyBy(CustomerChange.keySelector())
                            .process(new ChangeNormalizer(t, java.time.Duration.ofHours(1)));
            tables.put(t, t.toTable(tableEnv, normalized));
        }
        Table dim =
                CustomerDimension.join(
                        tables.get(SourceTable.CUSTOMER),
                        tables.get(SourceTable.ADDRESS),
                        tables.get(SourceTable.CITY),
                        tables.get(SourceTable.COUNTRY),
                        EmailPolicy.masked());
        Map<Integer, Row> rows = materialize(CustomerDimension.toUpsertStream(tableEnv, dim));

        assertThat(rows).containsOnlyKeys(1, 2, 3);
        for (Row r : rows.values()) {
            assertThat(column(r, "address")).isEqualTo("9 Birch Way");
            assertThat(column(r, "city")).isEqualTo("Alpha Nova");
            assertThat(column(r, "email").toString()).endsWith("***@sakilacustomer.org");
        }
        assertThat(column(rows.get(3), "is_deleted")).isEqualTo(true);
        assertThat(column(rows.get(3), "source_version")).isEqualTo(binlogVersion(300));
        assertThat(column(rows.get(2), "is_deleted")).isEqualTo(false);
        assertThat(column(rows.get(2), "source_version")).isEqualTo(binlogVersion(200));
        // Customer 1's only change was a no-op: its version comes from the city rename.
        assertThat(column(rows.get(1), "source_version")).isEqualTo(binlogVersion(200));
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** What a version-guarded upsert writer ends with: the last INSERT/UPDATE_AFTER per key. */
    private static Map<Integer, Row> materialize(DataStream<Row> upserts) throws Exception {
        Map<Integer, Row> rows = new TreeMap<>();
        try (CloseableIterator<Row> it = upserts.executeAndCollect()) {
            while (it.hasNext()) {
                Row r = it.next();
                assertThat(r.getKind()).isNotEqualTo(RowKind.UPDATE_BEFORE);
                if (r.getKind() == RowKind.INSERT || r.getKind() == RowKind.UPDATE_AFTER) {
                    // the table's columns; the part versions behind them are LatestCombination's
                    Row copy =
                            Row.project(
                                    r,
                                    IntStream.range(0, CustomerDimension.COLUMNS.size()).toArray());
                    copy.setKind(RowKind.INSERT);
                    rows.put((Integer) column(r, "customer_id"), copy);
                }
            }
        }
        return rows;
    }

    private Table values(SourceTable table, Row... rows) {
        return tableEnv.fromValues(rowType(table), (Object[]) rows);
    }

    private Table changelog(SourceTable table, List<Row> rows) {
        return table.toTable(tableEnv, env.fromData(rows, table.rowType()).setParallelism(1));
    }

    private static DataType rowType(SourceTable table) {
        List<DataTypes.Field> fields = new ArrayList<>();
        for (Schema.UnresolvedColumn c : table.schema().getColumns()) {
            fields.add(
                    DataTypes.FIELD(
                            c.getName(),
                            (DataType) ((Schema.UnresolvedPhysicalColumn) c).getDataType()));
        }
        return DataTypes.ROW(fields.toArray(new DataTypes.Field[0]));
    }

    private static Row customer(
            int id,
            String first,
            String last,
            int addressId,
            boolean deleted,
            Instant deletedAt,
            long version) {
        return Row.ofKind(
                RowKind.INSERT,
                id,
                1,
                first,
                last,
                first + "." + last + "@sakilacustomer.org",
                addressId,
                true,
                CREATED,
                deleted,
                deletedAt,
                version,
                T0.plusSeconds(version));
    }

    private static Row address(int id, String street, int cityId, long version) {
        return Row.ofKind(
                RowKind.INSERT,
                id,
                street,
                "",
                "Ohio",
                cityId,
                "12345",
                "555-0100",
                version,
                T0.plusSeconds(version));
    }

    private static Row city(int id, String name, int countryId, long version) {
        return Row.ofKind(RowKind.INSERT, id, name, countryId, version, T0.plusSeconds(version));
    }

    private static Row country(int id, String name, long version) {
        return Row.ofKind(RowKind.INSERT, id, name, version, T0.plusSeconds(version));
    }

    private static String customerJson(int id, String name, int addressId, String touched) {
        String[] parts = name.split("\\.");
        return "{\"customer_id\":"
                + id
                + ",\"store_id\":1,\"first_name\":\""
                + parts[0]
                + "\",\"last_name\":\""
                + parts[1]
                + "\",\"email\":\""
                + name
                + "@sakilacustomer.org\",\"address_id\":"
                + addressId
                + ",\"active\":1,\"create_date\":1139954676000,\"last_update\":\""
                + touched
                + "\"}";
    }

    private static String addressJson(int id, String street) {
        return "{\"address_id\":"
                + id
                + ",\"address\":\""
                + street
                + "\",\"address2\":\"\",\"district\":\"Ohio\",\"city_id\":100,\"postal_code\":\"12345\",\"phone\":\"555\"}";
    }

    private static long binlogVersion(long pos) {
        return CustomerChange.mysqlVersion(1, pos, 0);
    }

    /** A MySQL-shaped event at position {@code pos} of binlog file 1. */
    private static String event(String table, String op, long pos, String before, String after) {
        return "{\"before\":"
                + before
                + ",\"after\":"
                + after
                + ",\"source\":{\"connector\":\"mysql\",\"ts_ms\":"
                + (T0.toEpochMilli() + pos)
                + ",\"db\":\"sakila\",\"table\":\""
                + table
                + "\",\"file\":\"mysql-bin.000001\",\"pos\":"
                + pos
                + ",\"row\":0},\"op\":\""
                + op
                + "\",\"ts_ms\":"
                + T0.toEpochMilli()
                + "}";
    }

    /** A dimension row's value by column name, so no assertion depends on a column's position. */
    private static Object column(Row row, String name) {
        int index = CustomerDimension.COLUMNS.indexOf(name);
        assertThat(index).as("a dimension column named " + name).isNotNegative();
        return row.getField(index);
    }
}
