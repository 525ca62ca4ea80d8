package io.streamwarehouse.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamwarehouse.customer.CustomerChange.Op;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChangeNormalizerTest {

    private static final Duration RETENTION = Duration.ofHours(1);
    private static final long HOUR = RETENTION.toMillis();
    private static final LocalDateTime CREATED = LocalDateTime.of(2006, 2, 14, 22, 4, 36);

    private ChangeNormalizer normalizer;
    private KeyedOneInputStreamOperatorTestHarness<String, CustomerChange, Row> harness;

    private void open(SourceTable table) throws Exception {
        normalizer = new ChangeNormalizer(table, RETENTION);
        harness =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        normalizer, CustomerChange.keySelector(), Types.STRING);
    }

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void snapshotRowIsInsertedAndARealUpdateRetractsTheExactPreviousRow() throws Exception {
        open(SourceTable.CUSTOMER);
        harness.processElement(
                customer(Op.READ, 0, null, customerJson("MARY.SMITH@x.org", 5, "10:00:00")), 0);
        harness.processElement(
                customer(
                        Op.UPDATE,
                        100,
                        customerJson("MARY.SMITH@x.org", 5, "10:00:00"),
                        customerJson("MARY.JONES@x.org", 5, "11:00:00")),
                0);

        Row inserted = customerRow(RowKind.INSERT, "MARY.SMITH@x.org", 5, false, null, 0, 1_000);
        assertThat(harness.extractOutputValues())
                .containsExactly(
                        inserted,
                        customerRow(
                                RowKind.UPDATE_BEFORE,
                                "MARY.SMITH@x.org",
                                5,
                                false,
                                null,
                                0,
                                1_000),
                        customerRow(
                                RowKind.UPDATE_AFTER,
                                "MARY.JONES@x.org",
                                5,
                                false,
                                null,
                                100,
                                100_000));
        assertThat(normalizer.rowsEmitted()).isEqualTo(3);
    }

    @Test
    void anUpdateThatOnlyMovesLastUpdateIsDropped() throws Exception {
        open(SourceTable.CUSTOMER);
        harness.processElement(
                customer(Op.READ, 0, null, customerJson("A@x.org", 5, "10:00:00")), 0);
        harness.processElement(
                customer(
                        Op.UPDATE,
                        100,
                        customerJson("A@x.org", 5, "10:00:00"),
                        customerJson("A@x.org", 5, "10:00:01")),
                0);

        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(normalizer.noOpsDropped()).isEqualTo(1);
        assertThat(normalizer.changesRead()).isEqualTo(2);
    }

    @Test
    void replayedAndOlderChangesAreDropped() throws Exception {
        open(SourceTable.CUSTOMER);
        CustomerChange insert =
                customer(Op.CREATE, 100, null, customerJson("A@x.org", 5, "10:00:00"));
        CustomerChange update =
                customer(
                        Op.UPDATE,
                        200,
                        customerJson("A@x.org", 5, "10:00:00"),
                        customerJson("B@x.org", 5, "10:00:01"));
        CustomerChange older =
                customer(
                        Op.UPDATE,
                        150,
                        customerJson("A@x.org", 5, "10:00:00"),
                        customerJson("C@x.org", 5, "10:00:01"));
        harness.processElement(insert, 0);
        harness.processElement(update, 0);
        // A source that re-reads its log after a failover sends these again.
        harness.processElement(insert, 0);
        harness.processElement(update, 0);
        harness.processElement(older, 0);
        // A snapshot read after the stream started is older than any streamed change.
        harness.processElement(
                customer(Op.READ, 0, null, customerJson("Z@x.org", 5, "09:00:00")), 0);

        assertThat(harness.extractOutputValues())
                .extracting(r -> r.getKind() + " " + field(r, SourceTable.CUSTOMER, "email"))
                .containsExactly("INSERT A@x.org", "UPDATE_BEFORE A@x.org", "UPDATE_AFTER B@x.org");
        assertThat(normalizer.staleChangesDropped()).isEqualTo(4);
    }

    @Test
    void customerDeleteIsSoftAndAReinsertRevivesTheRow() throws Exception {
        open(SourceTable.CUSTOMER);
        harness.processElement(
                customer(Op.CREATE, 100, null, customerJson("A@x.org", 5, "10:00:00")), 0);
        harness.processElement(
                customer(Op.DELETE, 200, customerJson("A@x.org", 5, "10:00:00"), null), 0);
        harness.processElement(
                customer(Op.DELETE, 250, customerJson("A@x.org", 5, "10:00:00"), null), 0);
        harness.processElement(
                customer(Op.CREATE, 300, null, customerJson("A@x.org", 7, "12:00:00")), 0);

        Instant deletedAt = Instant.ofEpochMilli(200_000);
        assertThat(harness.extractOutputValues())
                .containsExactly(
                        customerRow(RowKind.INSERT, "A@x.org", 5, false, null, 100, 100_000),
                        customerRow(RowKind.UPDATE_BEFORE, "A@x.org", 5, false, null, 100, 100_000),
                        customerRow(
                                RowKind.UPDATE_AFTER, "A@x.org", 5, true, deletedAt, 200, 200_000),
                        customerRow(
                                RowKind.UPDATE_BEFORE, "A@x.org", 5, true, deletedAt, 200, 200_000),
                        customerRow(RowKind.UPDATE_AFTER, "A@x.org", 7, false, null, 300, 300_000));
        assertThat(normalizer.deletes()).isEqualTo(1);
        assertThat(normalizer.noOpsDropped()).isEqualTo(1);
    }

    @Test
    void addressDeleteIsARealDeleteAndAnOlderInsertCannotResurrectIt() throws Exception {
        open(SourceTable.ADDRESS);
        harness.processElement(address(Op.CREATE, 100, null, addressJson("1 Elm Street")), 0);
        harness.processElement(address(Op.DELETE, 200, addressJson("1 Elm Street"), null), 0);
        harness.processElement(address(Op.CREATE, 150, null, addressJson("1 Elm Street")), 0);
        harness.processElement(address(Op.CREATE, 300, null, addressJson("2 Oak Road")), 0);

        List<Row> out = harness.extractOutputValues();
        assertThat(out)
                .extracting(Row::getKind)
                .containsExactly(RowKind.INSERT, RowKind.DELETE, RowKind.INSERT);
        assertThat(field(out.get(1), SourceTable.ADDRESS, "address")).isEqualTo("1 Elm Street");
        assertThat(field(out.get(2), SourceTable.ADDRESS, "address")).isEqualTo("2 Oak Road");
        assertThat(field(out.get(2), SourceTable.ADDRESS, "source_version")).isEqualTo(300L);
    }

    @Test
    void stateOfQuietKeysIsRemovedAfterTheRetention() throws Exception {
        open(SourceTable.CITY);
        harness.setProcessingTime(0);
        harness.processElement(city(Op.READ, 0, 1, "Alpha"), 0);
        harness.processElement(city(Op.READ, 0, 2, "Beta"), 0);
        harness.processElement(city(Op.READ, 0, 3, "Gamma"), 0);
        // Per key: last row, last version, cleanup deadline.
        assertThat(harness.numKeyedStateEntries()).isEqualTo(9);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(3);

        harness.setProcessingTime(HOUR / 2);
        harness.processElement(city(Op.UPDATE, 10, 3, "Gamma Prime"), 0);
        // The touched key moved its deadline; its old timer is gone, not left to fire.
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(3);

        harness.setProcessingTime(HOUR - 1);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(9);

        harness.setProcessingTime(HOUR);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(3);

        harness.setProcessingTime(HOUR + HOUR / 2);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void afterExpiryAnUpdateRetractsWithItsOwnBeforeImage() throws Exception {
        open(SourceTable.CITY);
        harness.setProcessingTime(0);
        harness.processElement(city(Op.READ, 0, 1, "Alpha"), 0);
        harness.setProcessingTime(2 * HOUR);
        assertThat(harness.numKeyedStateEntries()).isZero();

        harness.processElement(cityUpdate(50, 1, "Alpha", "Alpha Nova"), 0);
        harness.processElement(cityUpdate(60, 1, "Alpha Nova", "Alpha Nova"), 0);

        List<Row> out = harness.extractOutputValues();
        assertThat(out)
                .extracting(r -> r.getKind() + " " + field(r, SourceTable.CITY, "city"))
                .containsExactly("INSERT Alpha", "UPDATE_BEFORE Alpha", "UPDATE_AFTER Alpha Nova");
        // Without state, the change's own before == after still identifies a no-op.
        assertThat(normalizer.noOpsDropped()).isEqualTo(1);
    }

    @Test
    void postgresCustomerImagesMapToTheSameColumns() throws Exception {
        open(SourceTable.CUSTOMER);
        harness.processElement(CustomerChange.parse(CdcEvents.POSTGRES_UPDATE_CUSTOMER), 0);

        List<Row> out = harness.extractOutputValues();
        assertThat(out).hasSize(2);
        Row after = out.get(1);
        // activebool is the flag; create_date (DATE) becomes midnight; the legacy integer is
        // ignored.
        assertThat(field(after, SourceTable.CUSTOMER, "active")).isEqualTo(false);
        assertThat(field(after, SourceTable.CUSTOMER, "create_date"))
                .isEqualTo(LocalDateTime.of(2005, 12, 22, 0, 0));
        assertThat(field(out.get(0), SourceTable.CUSTOMER, "active")).isEqualTo(true);
    }

    @Test
    void aChangeOfAnotherTableIsAWiringError() throws Exception {
        open(SourceTable.ADDRESS);
        assertThatThrownBy(() -> harness.processElement(city(Op.READ, 0, 1, "Alpha"), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("normalizer for address received a city change");
    }

    @Test
    void retentionOfZeroKeepsStateWithoutTimers() throws Exception {
        normalizer = new ChangeNormalizer(SourceTable.COUNTRY, Duration.ZERO);
        harness =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        normalizer, CustomerChange.keySelector(), Types.STRING);
        harness.processElement(country(0, 1, "Peru"), 0);
        harness.setProcessingTime(Long.MAX_VALUE / 2);
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
    }

    private static Object field(Row row, SourceTable table, String name) {
        return row.getField(table.fieldNames().indexOf(name));
    }

    // ---- fixtures ------------------------------------------------------------------------------

    private static String customerJson(String email, int addressId, String lastUpdate) {
        return "{\"customer_id\":42,\"store_id\":1,\"first_name\":\"MARY\",\"last_name\":\"SMITH\",\"email\":\""
                + email
                + "\",\"address_id\":"
                + addressId
                + ",\"active\":1,\"create_date\":1139954676000,\"last_update\":\"2024-03-01T"
                + lastUpdate
                + "Z\"}";
    }

    private static CustomerChange customer(Op op, long version, String before, String after) {
        return new CustomerChange(
                SourceTable.CUSTOMER,
                op,
                42,
                version,
                "p" + version,
                version == 0 ? 1_000L : version * 1000,
                "db",
                before,
                after);
    }

    private static Row customerRow(
            RowKind kind,
            String email,
            int addressId,
            boolean deleted,
            Instant deletedAt,
            long version,
            long tsMillis) {
        return Row.ofKind(
                kind,
                42,
                1,
                "MARY",
                "SMITH",
                email,
                addressId,
                true,
                CREATED,
                deleted,
                deletedAt,
                version,
                Instant.ofEpochMilli(tsMillis));
    }

    private static String addressJson(String street) {
        return "{\"address_id\":9,\"address\":\""
                + street
                + "\",\"address2\":\"\",\"district\":\"Ohio\",\"city_id\":3,\"postal_code\":\"12345\",\"phone\":\"555\"}";
    }

    private static CustomerChange address(Op op, long version, String before, String after) {
        return new CustomerChange(
                SourceTable.ADDRESS,
                op,
                9,
                version,
                "p" + version,
                version * 1000,
                "db",
                before,
                after);
    }

    private static String cityJson(int id, String name) {
        return "{\"city_id\":"
                + id
                + ",\"city\":\""
                + name
                + "\",\"country_id\":4,\"last_update\":\"2024-03-01T10:00:00Z\"}";
    }

    private static CustomerChange city(Op op, long version, int id, String name) {
        return new CustomerChange(
                SourceTable.CITY,
                op,
                id,
                version,
                "p" + version,
                1000L,
                "db",
                null,
                cityJson(id, name));
    }

    private static CustomerChange cityUpdate(long version, int id, String before, String after) {
        return new CustomerChange(
                SourceTable.CITY,
                Op.UPDATE,
                id,
                version,
                "p" + version,
                1000L,
                "db",
                cityJson(id, before),
                cityJson(id, after));
    }

    private static CustomerChange country(long version, int id, String name) {
        return new CustomerChange(
                SourceTable.COUNTRY,
                Op.READ,
                id,
                version,
                "p",
                1000L,
                "db",
                null,
                "{\"country_id\":" + id + ",\"country\":\"" + name + "\"}");
    }

    @Test
    void theRowImageKeptInStateHasFlinkSerializersNotKryo() {
        for (SourceTable table : SourceTable.values()) {
            for (org.apache.flink.api.common.typeinfo.TypeInformation<?> field :
                    table.rowType().getFieldTypes()) {
                assertThat(field)
                        .as("a column of %s", table)
                        .isNotInstanceOf(org.apache.flink.api.java.typeutils.GenericTypeInfo.class);
            }
        }
    }
}
