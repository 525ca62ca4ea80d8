package io.streamwarehouse.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwarehouse.customer.CustomerDimension;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DimCustomerWriterTest {

    /**
     * The statement is written out as text; bind follows the dimension's column list. They must
     * name the same columns in the same order, with one placeholder each.
     */
    @Test
    void theStatementNamesEveryDimensionColumnInTheOrderBindBindsThem() {
        String sql = new DimCustomerWriter(0L).sql();
        String insertColumns =
                sql.substring(sql.indexOf('(') + 1, sql.indexOf(')')).replaceAll("\\s+", "");
        List<String> expected = new ArrayList<>(CustomerDimension.COLUMNS);
        expected.add("snapshot_epoch");

        assertThat(Arrays.asList(insertColumns.split(","))).isEqualTo(expected);
        assertThat(StagedUpsert.of(sql).parameters()).isEqualTo(expected.size());
        for (String column : CustomerDimension.COLUMNS.subList(1, expected.size() - 1)) {
            assertThat(sql)
                    .contains(column + " = EXCLUDED." + column)
                    .contains("d." + column)
                    .contains("EXCLUDED." + column);
        }
    }
}
