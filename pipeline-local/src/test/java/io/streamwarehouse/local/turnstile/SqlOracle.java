package io.streamwarehouse.local.turnstile;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.turnstile.CounterMode;
import io.streamwarehouse.turnstile.CounterRules;
import io.streamwarehouse.turnstile.TurnstileOptions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.SortedMap;

/**
 * The documented turnstile rules, written again in plain PostgreSQL, as the independent witness the
 * job's results are compared with. It shares nothing with the job but the input records and the
 * configured numbers: it parses the raw payloads with SQL string and JSON functions, orders and
 * differences readings with window functions, and windows the deltas with date arithmetic.
 *
 * <p>It lives in schema {@code expected} of the job's own database, with views named like the
 * warehouse tables and the same columns, so both read back through {@link WarehouseTables}.
 *
 * <p>The documented rules (see {@code CounterDeltas}):
 *
 * <ul>
 *   <li>a turnstile is (C/A, UNIT, SCP, STATION); its readings in reading-time order;
 *   <li>two readings of one turnstile at the same time: REGULAR over RECOVR AUD, then the first to
 *       arrive (the lower Kafka offset);
 *   <li>the first reading is a baseline; readings more than max-gap apart give no delta and a
 *       {@code gap} record per counter;
 *   <li>delta = |this - previous| per counter; above max-per-hour x max(1, hours) it is an {@code
 *       anomaly}, not counted; a delta row exists when at least one counter was counted;
 *   <li>the delta belongs to the later reading, which also supplies LINENAME, DIVISION, DATE and
 *       DESC; in interval mode each deduplicated reading is its own delta.
 * </ul>
 */
final class SqlOracle {

    /** How the raw payloads of each format are taken apart, without the project's parsers. */
    enum Format {
        MTA_CSV(
                "SELECT kafka_offset, btrim(f[1]) AS ca, btrim(f[2]) AS unit, btrim(f[3]) AS scp,"
                        + " btrim(f[4]) AS station, btrim(f[5]) AS linename,"
                        + " btrim(f[6]) AS division,"
                        + " to_date(btrim(f[7]), 'MM/DD/YYYY') + btrim(f[8])::time AS reading_time,"
                        + " btrim(f[9]) AS description, btrim(f[10])::bigint AS entries,"
                        + " btrim(f[11])::bigint AS exits"
                        + " FROM (SELECT kafka_offset, string_to_array(payload, ',') AS f"
                        + " FROM expected.raw) r"),
        PRODUCER_CSV(
                "SELECT kafka_offset, f[1] AS ca, f[2] AS unit, f[3] AS scp, f[4] AS station,"
                        + " f[5] AS linename, f[6] AS division,"
                        + " to_date(f[7], 'MM-DD-YY') + f[8]::time AS reading_time,"
                        + " f[9] AS description, f[10]::bigint AS entries, f[11]::bigint AS exits"
                        // the value is a JSON string literal wrapping the CSV line
                        + " FROM (SELECT kafka_offset,"
                        + " string_to_array(payload::jsonb #>> '{}', ',') AS f"
                        + " FROM expected.raw) r"),
        JSON(
                "SELECT kafka_offset, j->>'ca' AS ca, j->>'unit' AS unit, j->>'scp' AS scp,"
                        + " j->>'station' AS station, j->>'linename' AS linename,"
                        + " j->>'division' AS division,"
                        + " (j->>'date')::date + (j->>'time')::time AS reading_time,"
                        + " j->>'desc' AS description, (j->>'entries')::bigint AS entries,"
                        + " (j->>'exits')::bigint AS exits"
                        + " FROM (SELECT kafka_offset, payload::jsonb AS j FROM expected.raw) r");

        final String parse;

        Format(String parse) {
            this.parse = parse;
        }
    }

    private SqlOracle() {}

    /**
     * Loads the good records (offset to payload) and defines the expected tables for the rules and
     * windows of {@code config}.
     */
    static void install(
            WarehouseTables warehouse,
            Format format,
            PipelineConfig config,
            SortedMap<Long, String> goodRecords)
            throws Exception {
        long size = seconds(config.get(TurnstileOptions.TURNSTILE_WINDOW));
        long slide =
                config.contains(TurnstileOptions.TURNSTILE_HOP_SLIDE)
                        ? seconds(config.get(TurnstileOptions.TURNSTILE_HOP_SLIDE))
                        : size;
        long maxPerHour = config.get(TurnstileOptions.TURNSTILE_MAX_PER_HOUR);
        long maxGap = seconds(config.get(TurnstileOptions.TURNSTILE_MAX_GAP));
        boolean interval = CounterRules.counterMode(config) == CounterMode.INTERVAL;

        try (Connection c = warehouse.open();
                Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS expected CASCADE");
            s.execute("CREATE SCHEMA expected");
            s.execute(
                    "CREATE TABLE expected.raw (kafka_offset BIGINT PRIMARY KEY,"
                            + " payload TEXT NOT NULL)");
            try (PreparedStatement insert =
                    c.prepareStatement("INSERT INTO expected.raw VALUES (?, ?)")) {
                for (Map.Entry<Long, String> record : goodRecords.entrySet()) {
                    insert.setLong(1, record.getKey());
                    insert.setString(2, record.getValue());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            s.execute("CREATE VIEW expected.reading AS " + format.parse);
            s.execute(
                    "CREATE VIEW expected.kept AS SELECT * FROM (SELECT r.*, row_number() OVER"
                            + " (PARTITION BY ca, unit, scp, station, reading_time"
                            + " ORDER BY (description = 'REGULAR') DESC, kafka_offset) AS arrival"
                            + " FROM expected.reading r) d WHERE arrival = 1");
            s.execute(
                    "CREATE VIEW expected.judged AS SELECT p.*,"
                            + " abs(entries - previous_entries) AS entries_delta,"
                            + " abs(exits - previous_exits) AS exits_delta,"
                            + " ("
                            + maxPerHour
                            + " * GREATEST(3600, gap_seconds)) / 3600 AS threshold"
                            + " FROM (SELECT k.*, lag(reading_time) OVER w AS previous_time,"
                            + " lag(entries) OVER w AS previous_entries,"
                            + " lag(exits) OVER w AS previous_exits,"
                            + " EXTRACT(EPOCH FROM reading_time - lag(reading_time) OVER w)::bigint"
                            + " AS gap_seconds"
                            + " FROM expected.kept k"
                            + " WINDOW w AS (PARTITION BY ca, unit, scp, station"
                            + " ORDER BY reading_time)) p"
                            + " WHERE previous_time IS NOT NULL");
            String deltaColumns =
                    "ca, unit, scp, station, linename, division, reading_time::date AS"
                            + " reading_date, description, reading_time AS delta_time";
            if (interval) {
                s.execute(
                        "CREATE VIEW expected.delta AS SELECT "
                                + deltaColumns
                                + ", entries, exits FROM expected.kept");
            } else {
                s.execute(
                        "CREATE VIEW expected.delta AS SELECT "
                                + deltaColumns
                                + ", CASE WHEN entries_delta <= threshold THEN entries_delta"
                                + " ELSE 0 END AS entries,"
                                + " CASE WHEN exits_delta <= threshold THEN exits_delta"
                                + " ELSE 0 END AS exits"
                                + " FROM expected.judged WHERE gap_seconds <= "
                                + maxGap
                                + " AND (entries_delta <= threshold OR exits_delta <= threshold)");
            }
            s.execute(
                    "CREATE VIEW expected.turnstile_anomalies AS SELECT ca, unit, scp, station,"
                            + " reading_time, c.counter,"
                            + " CASE WHEN gap_seconds > "
                            + maxGap
                            + " THEN 'gap' ELSE 'anomaly' END AS kind,"
                            + " previous_time, c.previous_value, c.current_value,"
                            + " abs(c.current_value - c.previous_value) AS delta,"
                            + " CASE WHEN gap_seconds > "
                            + maxGap
                            + " THEN NULL ELSE threshold END AS threshold"
                            + " FROM expected.judged j CROSS JOIN LATERAL (VALUES"
                            + " ('ENTRIES', j.previous_entries, j.entries),"
                            + " ('EXITS', j.previous_exits, j.exits))"
                            + " AS c(counter, previous_value, current_value)"
                            + " WHERE (gap_seconds > "
                            + maxGap
                            + " OR abs(c.current_value - c.previous_value) > threshold)"
                            // interval mode has no baseline, gap or anomaly rules
                            + (interval ? " AND false" : ""));
            // Window starts are multiples of the slide since the epoch, as Flink aligns them; a
            // delta belongs to the size/slide windows whose start is at most its time.
            s.execute(
                    "CREATE VIEW expected.windowed AS SELECT d.*, w.window_start,"
                            + " w.window_start + "
                            + size
                            + " * INTERVAL '1 second' AS window_end"
                            + " FROM expected.delta d CROSS JOIN LATERAL (SELECT TIMESTAMP 'epoch'"
                            + " + ((floor(EXTRACT(EPOCH FROM d.delta_time) / "
                            + slide
                            + ") * "
                            + slide
                            + " - k * "
                            + slide
                            + ")::float8 * INTERVAL '1 second') AS window_start"
                            + " FROM generate_series(0, "
                            + (size / slide - 1)
                            + ") AS k) w");
            s.execute(
                    "CREATE VIEW expected.turnstile_window AS SELECT window_start, window_end,"
                            + " ca, unit, scp, station, linename, division, reading_date,"
                            + " description, sum(entries) AS entries, sum(exits) AS exits,"
                            + " count(*) AS readings FROM expected.windowed"
                            + " GROUP BY window_start, window_end, ca, unit, scp, station, linename,"
                            + " division, reading_date, description");
            s.execute(
                    "CREATE VIEW expected.station_window AS SELECT window_start, window_end,"
                            + " station, linename, sum(entries) AS entries, sum(exits) AS exits,"
                            + " count(*) AS readings,"
                            + " count(DISTINCT (ca, unit, scp)) AS turnstiles"
                            + " FROM expected.windowed GROUP BY window_start, window_end, station,"
                            + " linename");
        }
    }

    private static long seconds(Duration duration) {
        if (duration.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("whole seconds only: " + duration);
        }
        return duration.toSeconds();
    }
}
