package io.streamwarehouse.bench;

import io.streamwarehouse.local.services.PostgresService;
import io.streamwarehouse.warehouse.Load;
import io.streamwarehouse.warehouse.LoadCommitter;
import io.streamwarehouse.warehouse.Migrations;
import io.streamwarehouse.warehouse.TurnstileWindowWriter;
import io.streamwarehouse.warehouse.WarehouseConnection;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.types.Row;
import org.postgresql.PGConnection;

/**
 * The warehouse writer against the ways PostgreSQL can take the same upserts: loads of 1K, 10K and
 * 100K turnstile window rows into an empty table, each way timed on its own fresh table state.
 */
final class SinkThroughput {
    static final String NAME = "sink";
    private static final String TABLE = "warehouse.turnstile_window";
    private static final String COLUMNS =
            "window_start, window_end, ca, unit, scp, station, linename, division, reading_date,"
                    + " description, entries, exits, readings";
    private static final String CONFLICT =
            " ON CONFLICT ON CONSTRAINT turnstile_window_pk DO UPDATE SET"
                    + " entries = EXCLUDED.entries, exits = EXCLUDED.exits,"
                    + " readings = EXCLUDED.readings, loaded_at = now()";

    void run(Report report) throws Exception {
        try (PostgresService postgres = PostgresService.start()) {
            postgres.createDatabase("sink");
            WarehouseConnection warehouse =
                    new WarehouseConnection(
                            postgres.jdbcUrl("sink"),
                            postgres.username(),
                            postgres.password(),
                            Duration.ofMinutes(1));
            Migrations.apply(warehouse);
            WarehouseConnection batched =
                    new WarehouseConnection(
                            postgres.jdbcUrl("sink") + "?reWriteBatchedInserts=true",
                            postgres.username(),
                            postgres.password(),
                            Duration.ofMinutes(1));
            long checkpoint = 0;
            for (int size : new int[] {1_000, 10_000, 100_000}) {
                List<Row> rows = rows(size);
                double writer;
                try (LoadCommitter<Row> committer =
                        new LoadCommitter<>(warehouse, new TurnstileWindowWriter())) {
                    truncate(warehouse);
                    long start = System.nanoTime();
                    committer.commit(new Load<>("bench", "bench-job", ++checkpoint, 0, 0L, rows));
                    writer = size / ((System.nanoTime() - start) / 1e9);
                }
                double multiRow = time(warehouse, size, c -> multiRowInsert(c, rows));
                double rewritten = time(batched, size, c -> batchedInserts(c, rows));
                double copy = time(warehouse, size, c -> copyThenUpsert(c, rows));
                double best = Math.max(multiRow, Math.max(rewritten, copy));
                String label = String.format("%,d rows", size);
                report.add(
                        NAME, label + ": multi-row INSERT ON CONFLICT", multiRow, "rows/s", null);
                report.add(NAME, label + ": reWriteBatchedInserts", rewritten, "rows/s", null);
                report.add(NAME, label + ": COPY + INSERT SELECT", copy, "rows/s", null);
                report.add(
                        NAME,
                        label + ": warehouse writer (one load, audit row included)",
                        writer,
                        "rows/s",
                        "the best baseline",
                        best,
                        null);
            }
        }
    }

    interface Work {
        void run(Connection connection) throws Exception;
    }

    private static double time(WarehouseConnection warehouse, int size, Work work)
            throws Exception {
        truncate(warehouse);
        try (Connection c = warehouse.open()) {
            c.setAutoCommit(false);
            long start = System.nanoTime();
            work.run(c);
            c.commit();
            return size / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static void truncate(WarehouseConnection warehouse) throws Exception {
        try (Connection c = warehouse.open();
                Statement s = c.createStatement()) {
            s.execute("TRUNCATE " + TABLE);
        }
    }

    static List<Row> rows(int size) {
        List<Row> rows = new ArrayList<>(size);
        LocalDateTime start = LocalDateTime.of(2023, 5, 27, 0, 0);
        for (int i = 0; i < size; i++) {
            LocalDateTime window = start.plusHours(i / 5000);
            Row row = Row.withNames();
            row.setField("window_start", window);
            row.setField("window_end", window.plusHours(1));
            row.setField("ca", "A" + (i % 5000 / 100));
            row.setField("unit", "R051");
            row.setField("scp", String.format("02-00-%02d", i % 100));
            row.setField("station", "59 ST");
            row.setField("linename", "NQR456W");
            row.setField("division", "BMT");
            row.setField("reading_date", window.toLocalDate());
            row.setField("description", "REGULAR");
            row.setField("entries", (long) (i % 977));
            row.setField("exits", (long) (i % 613));
            row.setField("readings", 1L);
            rows.add(row);
        }
        return rows;
    }

    private static void bind(PreparedStatement s, int at, Row row) throws Exception {
        s.setTimestamp(at, Timestamp.valueOf((LocalDateTime) row.getField("window_start")));
        s.setTimestamp(at + 1, Timestamp.valueOf((LocalDateTime) row.getField("window_end")));
        String[] text = {"ca", "unit", "scp", "station", "linename", "division"};
        for (int i = 0; i < text.length; i++) {
            s.setString(at + 2 + i, (String) row.getField(text[i]));
        }
        s.setDate(
                at + 8,
                java.sql.Date.valueOf(
                        ((LocalDateTime) row.getField("window_start")).toLocalDate()));
        s.setString(at + 9, (String) row.getField("description"));
        s.setLong(at + 10, (Long) row.getField("entries"));
        s.setLong(at + 11, (Long) row.getField("exits"));
        s.setLong(at + 12, (Long) row.getField("readings"));
    }

    private static void multiRowInsert(Connection c, List<Row> rows) throws Exception {
        int chunk = 1000; // 13 parameters a row, under the protocol's 32,767
        String values = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        for (int from = 0; from < rows.size(); from += chunk) {
            List<Row> part = rows.subList(from, Math.min(rows.size(), from + chunk));
            String sql =
                    "INSERT INTO "
                            + TABLE
                            + " AS t ("
                            + COLUMNS
                            + ") VALUES "
                            + String.join(", ", java.util.Collections.nCopies(part.size(), values))
                            + CONFLICT;
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < part.size(); i++) {
                    bind(s, 1 + 13 * i, part.get(i));
                }
                s.executeUpdate();
            }
        }
    }

    private static void batchedInserts(Connection c, List<Row> rows) throws Exception {
        try (PreparedStatement s =
                c.prepareStatement(
                        "INSERT INTO "
                                + TABLE
                                + " AS t ("
                                + COLUMNS
                                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                                + CONFLICT)) {
            for (Row row : rows) {
                bind(s, 1, row);
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private static void copyThenUpsert(Connection c, List<Row> rows) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute(
                    "CREATE TEMP TABLE IF NOT EXISTS staged (LIKE "
                            + TABLE
                            + " INCLUDING DEFAULTS) ON COMMIT DELETE ROWS");
        }
        StringBuilder csv = new StringBuilder();
        for (Row row : rows) {
            csv.append(row.getField("window_start")).append(',').append(row.getField("window_end"));
            for (String f : new String[] {"ca", "unit", "scp", "station", "linename", "division"}) {
                csv.append(',').append(row.getField(f));
            }
            csv.append(',')
                    .append(((LocalDateTime) row.getField("window_start")).toLocalDate())
                    .append(',')
                    .append(row.getField("description"))
                    .append(',')
                    .append(row.getField("entries"))
                    .append(',')
                    .append(row.getField("exits"))
                    .append(',')
                    .append(row.getField("readings"))
                    .append('\n');
        }
        c.unwrap(PGConnection.class)
                .getCopyAPI()
                .copyIn(
                        "COPY staged (" + COLUMNS + ") FROM STDIN WITH (FORMAT csv)",
                        new StringReader(csv.toString()));
        try (Statement s = c.createStatement()) {
            s.execute(
                    "INSERT INTO "
                            + TABLE
                            + " AS t ("
                            + COLUMNS
                            + ") SELECT "
                            + COLUMNS
                            + " FROM staged"
                            + CONFLICT);
        }
    }
}
