package io.streamwarehouse.bench.spark;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Iterator;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;

/**
 * Upserts one partition of a micro-batch's window rows into PostgreSQL in one transaction, with the
 * Flink writer's statement ({@code INSERT ... ON CONFLICT DO UPDATE ... WHERE IS DISTINCT FROM}) on
 * the table's primary key, batched by the driver into multi-row inserts ({@code
 * reWriteBatchedInserts}). A replayed micro-batch rewrites the same rows.
 */
final class WindowUpsert implements ForeachPartitionFunction<Row> {
    private static final long serialVersionUID = 1L;
    private static final int BATCH = 1000;

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String table;
    private final LongAccumulator rows;

    WindowUpsert(String jdbcUrl, String user, String password, String table, LongAccumulator rows) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.table = table;
        this.rows = rows;
    }

    String sql() {
        return "INSERT INTO "
                + table
                + " AS t (window_start, window_end, ca, unit, scp, station, linename, division,"
                + " reading_date, description, entries, exits, readings)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (window_start, window_end, ca, unit, scp, station, linename,"
                + " division, reading_date, description) DO UPDATE SET"
                + " entries = EXCLUDED.entries, exits = EXCLUDED.exits,"
                + " readings = EXCLUDED.readings, loaded_at = now()"
                + " WHERE (t.entries, t.exits, t.readings)"
                + " IS DISTINCT FROM (EXCLUDED.entries, EXCLUDED.exits, EXCLUDED.readings)";
    }

    @Override
    public void call(Iterator<Row> it) throws Exception {
        if (!it.hasNext()) {
            return;
        }
        String url = jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
        long n = 0;
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement(sql())) {
                while (it.hasNext()) {
                    Row r = it.next();
                    s.setTimestamp(1, r.getTimestamp(0));
                    s.setTimestamp(2, r.getTimestamp(1));
                    for (int i = 2; i < 8; i++) {
                        s.setString(i + 1, r.getString(i));
                    }
                    s.setDate(9, r.getDate(8));
                    s.setString(10, r.getString(9));
                    s.setLong(11, r.getLong(10));
                    s.setLong(12, r.getLong(11));
                    s.setLong(13, r.getLong(12));
                    s.addBatch();
                    if (++n % BATCH == 0) {
                        s.executeBatch();
                    }
                }
                s.executeBatch();
            }
            c.commit();
        }
        rows.add(n);
    }
}
