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
 * 100K turnstile window rows into an empty table, each way warmed up once, then timed three times
 * on an empty table, the median reported.
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
            Work[] ways = {
                c -> multiRowInsert(c, current),
                c -> batchedInserts(c, current),
                c -> copyThenUpsert(c, current)
            };
            WarehouseConnection[] on = {warehouse, batched, warehouse};
            String[] names = {
                "multi-row INSERT ON CONFLICT", "reWriteBatchedInserts", "COPY + INSERT SELECT"
            };
            try (LoadCommitter<Row> committer =
                    new LoadCommitter<>(warehouse, new TurnstileWindowWriter())) {
                Work writer =
                        c ->
                                committer.commit(
                                        new Load<>(
                                                "bench",
                                                "bench-job",
                                                ++checkpoint,
                                                0,
                                                0L,
                                                current));
                // every way once untimed, so none pays for the JIT and the first connection alone
                current = rows(1_000);
                time(warehouse, 1_000, writer, false);
                for (int i = 0; i < ways.length; i++) {
                    time(on[i], 1_000, ways[i], true);
                }
                for (int size : new int[] {1_000, 10_000, 100_000}) {
                    current = rows(size);
                    String label = String.format("%,d rows", size);
                    double best = 0;
                    for (int i = 0; i < ways.length; i++) {
                        double rate = median(on[i], size, ways[i], true);
                        best = Math.max(best, rate);
                        report.add(NAME, label + ": " + names[i], rate, "rows/s", null);
                    }
                    report.add(
                            NAME,
                            label + ": warehouse writer (one load, audit row included)",
                            median(warehouse, size, writer, false),
                            "rows/s",
                            "the best baseline",
                            best,
                            null);
                }
            }
        }
    }

    /** The rows of the load being timed. */
    private List<Row> current;

    private long checkpoint;

    /** The median of three runs, each on an empty table. */
    private static double median(WarehouseConnection warehouse, int size, Work work, boolean own)
            throws Exception {
        double[] rates = new double[3];
        for (int i = 0; i < rates.length; i++) {
            rates[i] = time(warehouse, size, work, own);
        }
        java.util.Arrays.sort(rates);
        return rates[1];
    }

    interface Work {
        void run(Connection connection) throws Exception;
    }

    /**
     * One run on an empty table, in rows per second; {@code own}: in a transaction of its own (a
     * baseline), else the work opens and commits its own (the writer).
     */
    private static double time(WarehouseConnection warehouse, int size, Work work, boolean own)
            throws Exception {
        truncate(warehouse);
        if (!own) {
            long start = System.nanoTime();
            work.run(null);
            return size / ((System.nanoTime() - start) / 1e9);
        }
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
            s.execute("TRUNCATE " + TABLE + ", audit.load_audit");
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
