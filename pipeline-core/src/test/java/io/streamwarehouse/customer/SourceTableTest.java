package io.streamwarehouse.customer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.table.api.Schema;
import org.junit.jupiter.api.Test;

class SourceTableTest {

    @Test
    void trackedColumnsAreTheDimensionsNotTheBookkeeping() {
        assertThat(SourceTable.CUSTOMER.trackedColumns())
                .containsExactly(
                        "store_id",
                        "first_name",
                        "last_name",
                        "email",
                        "address_id",
                        "active",
                        "create_date")
                .doesNotContain("last_update");
        assertThat(SourceTable.ADDRESS.trackedColumns())
                .containsExactly(
                        "address", "address2", "district", "city_id", "postal_code", "phone");
        assertThat(SourceTable.CITY.trackedColumns()).containsExactly("city", "country_id");
        assertThat(SourceTable.COUNTRY.trackedColumns()).containsExactly("country");
    }

    @Test
    void onlyCustomersAreDeletedSoftly() {
        assertThat(SourceTable.CUSTOMER.softDeletes()).isTrue();
        assertThat(SourceTable.CUSTOMER.fieldNames()).contains("is_deleted", "deleted_at");
        for (SourceTable t : List.of(SourceTable.ADDRESS, SourceTable.CITY, SourceTable.COUNTRY)) {
            assertThat(t.softDeletes()).isFalse();
            assertThat(t.fieldNames()).doesNotContain("is_deleted");
        }
    }

    @Test
    void rowTypeAndTableSchemaAgreeWithTheFieldNames() {
        for (SourceTable t : SourceTable.values()) {
            RowTypeInfo type = t.rowType();
            assertThat(type.getFieldNames()).containsExactlyElementsOf(t.fieldNames());
            Schema schema = t.schema();
            assertThat(schema.getColumns())
                    .extracting(Schema.UnresolvedColumn::getName)
                    .containsExactlyElementsOf(t.fieldNames());
            assertThat(schema.getPrimaryKey())
                    .hasValueSatisfying(
                            pk ->
                                    assertThat(pk.getColumnNames())
                                            .containsExactly(t.primaryKeyColumn()));
            assertThat(t.fieldNames())
                    .startsWith(t.primaryKeyColumn())
                    .endsWith("source_version", "source_ts");
        }
    }

    @Test
    void namesResolveCaseInsensitively() {
        assertThat(SourceTable.ofName("Customer")).isEqualTo(SourceTable.CUSTOMER);
        assertThat(SourceTable.ofName("rental")).isNull();
    }
}
