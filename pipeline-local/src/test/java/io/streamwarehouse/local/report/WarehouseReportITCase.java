package io.streamwarehouse.local.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwarehouse.local.services.PostgresExtension;
import io.streamwarehouse.warehouse.Migrations;
import io.streamwarehouse.warehouse.WarehouseConnection;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The report drawn from a warehouse whose contents the test knows. */
class WarehouseReportITCase {
    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    @Test
    void drawsTheBusiestStationsAndSummaries() throws Exception {
        String db = POSTGRES.newDatabase("report");
        WarehouseConnection warehouse =
                new WarehouseConnection(
                        POSTGRES.jdbcUrl(db),
                        POSTGRES.service().username(),
                        POSTGRES.service().password(),
                        Duration.ofSeconds(5));
        Migrations.apply(warehouse);
        try (Connection c = warehouse.open()) {
            c.createStatement()
                    .execute(
                            "INSERT INTO warehouse.station_window VALUES"
                                    + " ('2023-05-27 08:00', '2023-05-27 09:00', 'TIMES SQ-42 ST', '1237ACENQRSW', 900, 700, 40, 20, now()),"
                                    + " ('2023-05-27 09:00', '2023-05-27 10:00', 'TIMES SQ-42 ST', '1237ACENQRSW', 1200, 800, 40, 20, now()),"
                                    + " ('2023-05-27 08:00', '2023-05-27 09:00', '23 ST', '6', 300, 100, 10, 5, now()),"
                                    + " ('2023-05-27 08:00', '2023-05-27 09:00', 'BEACH 98 ST', 'S', 1, 1, 2, 1, now())");
            c.createStatement()
                    .execute(
                            "INSERT INTO warehouse.dim_customer (customer_id, first_name, country,"
                                    + " is_deleted, source_version) VALUES (1, 'MARY', 'Japan', false, 1),"
                                    + " (2, 'PATRICIA', 'Japan', false, 2), (3, 'LINDA', 'Chile', true, 3)");
            c.createStatement()
                    .execute(
                            "INSERT INTO audit.load_audit (job_name, job_id, target_table,"
                                    + " checkpoint_id, subtask, rows_inserted, started_at) VALUES"
                                    + " ('customer-dimension', 'j1', 'warehouse.dim_customer', 7, 0, 3, now())");
        }

        String html = new WarehouseReport(warehouse, 2).render();

        assertThat(html)
                .startsWith("<!DOCTYPE html>")
                .contains("<svg")
                .contains("TIMES SQ-42 ST (1237ACENQRSW) 2023-05-27T09:00: 2000")
                .contains("23 ST (6)")
                .doesNotContain("BEACH 98 ST")
                .contains("<td>Japan</td><td>2</td>")
                .contains(
                        "<td>customer-dimension</td><td>warehouse.dim_customer</td><td>1</td><td>3</td>")
                .doesNotContain("<script")
                .doesNotContain("http://", "https://");
    }
}
