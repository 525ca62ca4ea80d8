package io.streamwarehouse.local.turnstile;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwarehouse.local.turnstile.WarehouseTables.Table;
import java.util.List;
import java.util.Map;

/** Assertions every turnstile ITCase makes about a finished run's warehouse. */
final class TurnstileAssertions {
    private TurnstileAssertions() {}

    /** The warehouse table holds exactly the rows the SQL oracle computed, none more or less. */
    static void assertMatchesOracle(WarehouseTables warehouse, Table table) throws Exception {
        List<String> expected = warehouse.rows("expected", table);
        List<String> actual = warehouse.rows(table);
        assertThat(actual)
                .as(
                        "warehouse.%s against the SQL oracle (%d expected rows)",
                        table.name, expected.size())
                .containsExactlyElementsOf(expected);
    }

    /**
     * After a fault: waits until the job runs again and every window the SQL oracle computed is in
     * the warehouse, then checks the rows equal the oracle's, nothing was rejected and every row
     * was loaded once.
     */
    static void assertRecoversToTheOracle(
            TurnstileJobRun run, WarehouseTables warehouse, java.time.Duration timeout)
            throws Exception {
        long stationRows = warehouse.count0("expected.station_window");
        long turnstileRows = warehouse.count0("expected.turnstile_window");
        Poll.until(
                "every window after the fault",
                timeout,
                () ->
                        run.status() == org.apache.flink.api.common.JobStatus.RUNNING
                                && warehouse.count(Table.STATION_WINDOW) == stationRows
                                && warehouse.count(Table.TURNSTILE_WINDOW) == turnstileRows);
        run.awaitMoreCheckpoints(2);
        assertMatchesOracle(warehouse, Table.STATION_WINDOW);
        assertMatchesOracle(warehouse, Table.TURNSTILE_WINDOW);
        assertMatchesOracle(warehouse, Table.ANOMALIES);
        assertThat(warehouse.count(Table.REJECTS)).isZero();
        assertLoadedOnce(warehouse);
    }

    /**
     * Every row was written by exactly one committed load (the audit's rows_inserted add up to the
     * row count: nothing loaded twice, nothing written outside a load), and none was rewritten with
     * other values.
     */
    static void assertLoadedOnce(WarehouseTables warehouse) throws Exception {
        for (Map.Entry<String, List<Long>> e : warehouse.auditedCounts().entrySet()) {
            long rows = e.getValue().get(0);
            long inserted = e.getValue().get(1);
            long updated = e.getValue().get(2);
            assertThat(inserted).as("audit rows_inserted of %s", e.getKey()).isEqualTo(rows);
            assertThat(updated).as("audit rows_updated of %s", e.getKey()).isZero();
        }
    }
}
