package io.streamwarehouse.local.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.local.services.PostgresExtension;
import io.streamwarehouse.warehouse.DimCustomerHistoryWriter;
import io.streamwarehouse.warehouse.Load;
import io.streamwarehouse.warehouse.LoadCommitter;
import io.streamwarehouse.warehouse.Migrations;
import io.streamwarehouse.warehouse.WarehouseConnection;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The optional SCD Type 2 history against a real PostgreSQL. */
class CustomerHistoryITCase {
    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    private WarehouseConnection warehouse;
    private long checkpoint;

    @BeforeEach
    void freshWarehouse() throws Exception {
        String db = POSTGRES.newDatabase("history");
        warehouse =
                new WarehouseConnection(
                        POSTGRES.jdbcUrl(db),
                        POSTGRES.service().username(),
                        POSTGRES.service().password(),
                        Duration.ofSeconds(5));
        Migrations.apply(warehouse);
        // the writer runs as the jobs do, with the rights of warehouse_writer only
        warehouse =
                WarehouseConnection.from(
                        JobLogins.asJob(
                                PipelineConfig.of(
                                        Map.of(
                                                "warehouse.jdbc-url", warehouse.jdbcUrl(),
                                                "warehouse.username", warehouse.username(),
                                                "warehouse.password", warehouse.password(),
                                                "warehouse.retry-timeout", "5 s"))));
    }

    @Test
    void versionsCloseEachOtherAndReplaysAddNothing() throws Exception {
        // snapshot emits the customer before its address is known, then with it: same version
        write(customer(1, 0, "MARY", null, false, "2024-01-01T00:00:00Z"));
        write(customer(1, 0, "MARY", "47 MySakila Drive", false, "2024-01-01T00:00:00Z"));
        write(customer(1, 100, "MARIA", "47 MySakila Drive", false, "2024-01-02T00:00:00Z"));
        write(customer(1, 200, "MARIA", "47 MySakila Drive", true, "2024-01-03T00:00:00Z"));
        // a replay of an older version changes nothing
        write(customer(1, 100, "MARIA", "47 MySakila Drive", false, "2024-01-02T00:00:00Z"));

        List<String> rows =
                query(
                        "SELECT source_version || ' ' || first_name || ' ' || coalesce(address, '-')"
                                + " || ' ' || is_current || ' ' || is_deleted || ' '"
                                + " || coalesce(to_char(valid_to AT TIME ZONE 'UTC', 'MM-DD'), 'open')"
                                + " FROM warehouse.dim_customer_history ORDER BY source_version");
        assertThat(rows)
                .containsExactly(
                        "0 MARY 47 MySakila Drive false false 01-02",
                        "100 MARIA 47 MySakila Drive false false 01-03",
                        "200 MARIA 47 MySakila Drive true true open");
    }

    /**
     * A re-snapshot (a newer epoch) reads the customer again at version 0, with its e-mail now
     * stored hashed: the read closes the current version of the older lifetime, whatever that
     * version's log position, and the older lifetime's versions replayed afterwards add nothing.
     */
    @Test
    void aNewSnapshotEpochClosesTheOlderLifetimesCurrentVersion() throws Exception {
        write(customer(1, 0, "MARY", "47 MySakila Drive", false, "2024-01-01T00:00:00Z"), 1L);
        write(customer(1, 900, "MARIA", "47 MySakila Drive", false, "2024-01-02T00:00:00Z"), 1L);
        Row reread = customer(1, 0, "MARIA", "47 MySakila Drive", false, "2024-02-01T00:00:00Z");
        reread.setField("email", "hashed:3f2a");
        write(reread, 2L);
        write(customer(1, 900, "MARIA", "47 MySakila Drive", false, "2024-01-02T00:00:00Z"), 1L);
        write(customer(1, 50, "MARIE", "47 MySakila Drive", false, "2024-02-02T00:00:00Z"), 2L);

        assertThat(
                        query(
                                "SELECT snapshot_epoch || '/' || source_version || ' ' || first_name"
                                        + " || ' ' || email || ' ' || is_current || ' '"
                                        + " || coalesce(to_char(valid_to AT TIME ZONE 'UTC',"
                                        + " 'MM-DD'), 'open')"
                                        + " FROM warehouse.dim_customer_history"
                                        + " ORDER BY snapshot_epoch, source_version"))
                .containsExactly(
                        "1/0 MARY MARY.SMITH@sakilacustomer.org false 01-02",
                        "1/900 MARIA MARY.SMITH@sakilacustomer.org false 02-01",
                        "2/0 MARIA hashed:3f2a false 02-02",
                        "2/50 MARIE MARY.SMITH@sakilacustomer.org true open");
    }

    private void write(Row row) {
        write(row, 0L);
    }

    private void write(Row row, long snapshotEpoch) {
        try (LoadCommitter<Row> committer =
                new LoadCommitter<>(warehouse, new DimCustomerHistoryWriter(snapshotEpoch))) {
            committer.commit(
                    new Load<>(
                            "history-test",
                            "job",
                            ++checkpoint,
                            0,
                            0L,
                            new ArrayList<>(List.of(row))));
        }
    }

    private static Row customer(
            int id, long version, String name, String address, boolean deleted, String ts) {
        Row row = Row.withNames();
        row.setField("customer_id", id);
        row.setField("source_version", version);
        row.setField("source_ts", Instant.parse(ts));
        row.setField("store_id", 1);
        row.setField("first_name", name);
        row.setField("last_name", "SMITH");
        row.setField("email", "MARY.SMITH@sakilacustomer.org");
        row.setField("active", true);
        row.setField("address_id", 5);
        row.setField("address", address);
        row.setField("district", "Alberta");
        row.setField("postal_code", "");
        row.setField("phone", "14033335568");
        row.setField("city", "Lethbridge");
        row.setField("country", "Canada");
        row.setField("is_deleted", deleted);
        return row;
    }

    private List<String> query(String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = warehouse.open();
                ResultSet rs = c.createStatement().executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }
}
