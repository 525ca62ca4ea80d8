package io.streamwarehouse.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StagedUpsertTest {
    private static final String KV =
            "INSERT INTO warehouse.kv AS t (k, v, doc) VALUES (?, ?, ?::jsonb)"
                    + " ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v WHERE t.v <> EXCLUDED.v"
                    + " RETURNING (xmax = 0)";

    @Test
    void theStageHasTheStatementsColumnsTypedFromItsTable() {
        StagedUpsert upsert = StagedUpsert.of(KV);
        assertThat(upsert.parameters()).isEqualTo(3);
        assertThat(upsert.createStage())
                .isEqualTo(
                        "CREATE TEMP TABLE IF NOT EXISTS staged_warehouse_kv ON COMMIT DELETE ROWS"
                                + " AS SELECT k, v, doc, 0 AS copy_round FROM warehouse.kv"
                                + " WITH NO DATA");
        assertThat(upsert.copy())
                .isEqualTo("COPY pg_temp.staged_warehouse_kv (k, v, doc, copy_round) FROM STDIN");
    }

    @Test
    void aRoundIsAppliedByTheWritersOwnConflictActionAndGuard() {
        assertThat(StagedUpsert.of(KV).applyRound())
                .isEqualTo(
                        "WITH applied AS (INSERT INTO warehouse.kv AS t (k, v, doc)"
                                + " SELECT k, v, doc FROM pg_temp.staged_warehouse_kv"
                                + " WHERE copy_round = ?"
                                + " ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v"
                                + " WHERE t.v <> EXCLUDED.v RETURNING (xmax = 0) AS fresh)"
                                + " SELECT count(*) FILTER (WHERE fresh),"
                                + " count(*) FILTER (WHERE NOT fresh) FROM applied");
    }

    @Test
    void everyWarehouseWriterCanBeStaged() {
        for (UpsertWriter<?> writer :
                new UpsertWriter<?>[] {
                    new TurnstileWindowWriter(),
                    new StationWindowWriter(),
                    new RejectWriter(),
                    new AnomalyWriter(),
                    new CustomerChangeWriter(),
                    new DimCustomerWriter(0L)
                }) {
            assertThat(StagedUpsert.of(writer.sql()).parameters()).isPositive();
        }
    }

    @Test
    void aStatementThatCannotBeStagedIsRefusedWithItsText() {
        assertThatThrownBy(() -> StagedUpsert.of("INSERT INTO t SELECT 1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("INSERT INTO t SELECT 1");
        assertThatThrownBy(
                        () ->
                                StagedUpsert.of(
                                        "INSERT INTO t (a, b) VALUES (?) RETURNING (xmax = 0)"))
                .hasMessageContaining("2 columns but 1 placeholders");
    }
}
