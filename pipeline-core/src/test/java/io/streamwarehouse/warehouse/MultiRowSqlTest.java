package io.streamwarehouse.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MultiRowSqlTest {
    @Test
    void theValuesRowIsRepeatedCastsIncluded() {
        MultiRowSql sql =
                MultiRowSql.of(
                        "INSERT INTO t (a, b, c) VALUES (?, ?::jsonb, ?) ON CONFLICT DO NOTHING"
                                + " RETURNING (xmax = 0)");
        assertThat(sql.parameters()).isEqualTo(3);
        assertThat(sql.forRows(2))
                .isEqualTo(
                        "INSERT INTO t (a, b, c) VALUES (?, ?::jsonb, ?), (?, ?::jsonb, ?)"
                                + " ON CONFLICT DO NOTHING RETURNING (xmax = 0)");
        assertThat(sql.forRows(1)).contains("VALUES (?, ?::jsonb, ?) ON CONFLICT");
    }

    @Test
    void everyMultiRowWriterHasAValuesRowToRepeat() {
        for (UpsertWriter<?> writer :
                new UpsertWriter<?>[] {
                    new TurnstileWindowWriter(),
                    new StationWindowWriter(),
                    new RejectWriter(),
                    new AnomalyWriter(),
                    new CustomerChangeWriter()
                }) {
            assertThat(writer.multiRow()).isTrue();
            assertThat(MultiRowSql.of(writer.sql()).parameters()).isPositive();
        }
        assertThat(new DimCustomerWriter(0L).multiRow())
                .as("a load may hold one customer twice, in order")
                .isFalse();
        assertThatThrownBy(() -> MultiRowSql.of("INSERT INTO t SELECT 1"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
