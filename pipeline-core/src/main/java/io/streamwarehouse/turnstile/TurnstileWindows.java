package io.streamwarehouse.turnstile;

import java.time.Duration;
import java.util.Objects;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/**
 * Event-time window aggregates over turnstile deltas, as windowing table-valued functions (TUMBLE
 * or HOP) in SQL over the input table.
 *
 * <p>Window TVF aggregations emit each window once, when the watermark passes its end, and produce
 * an insert-only stream, which an idempotent upsert keyed by window and grouping turns into
 * replay-safe warehouse rows. A delta that reaches a window after it fired is dropped by Flink
 * (metric {@code numLateRecordsDropped}), which is why lateness is settled before the windows, in
 * {@link CounterDeltaOperator}, which holds the watermark back accordingly.
 *
 * <p>Time: {@code rowtime} is {@code TIMESTAMP(3)} holding the reading's local wall clock, and
 * event-time millis are that wall clock read as UTC ({@link TurnstileTime}); window TVFs on a
 * {@code TIMESTAMP} (not {@code TIMESTAMP_LTZ}) column compute boundaries in that same UTC-based
 * arithmetic, so {@code window_start}/{@code window_end} come out as local wall-clock hours without
 * depending on the session time zone.
 */
public final class TurnstileWindows {
    /** Columns of {@link #deltaTable}, in order. */
    public static final String DELTA_COLUMNS =
            "ca, unit, scp, station, linename, division, reading_date, description, delta_time,"
                    + " entries, exits, rowtime";

    private final StreamTableEnvironment tableEnv;
    private final Duration size;
    private final Duration slide;

    private TurnstileWindows(StreamTableEnvironment tableEnv, Duration size, Duration slide) {
        this.tableEnv = Objects.requireNonNull(tableEnv, "tableEnv");
        this.size = positive(size, "window size");
        this.slide = slide == null ? null : positive(slide, "window slide");
        if (slide != null && size.toMillis() % slide.toMillis() != 0) {
            // Flink slices hopping windows into slide-sized panes; a size that is not a whole
            // number of slides is rejected by the planner with a far less helpful message.
            throw new IllegalArgumentException(
                    "window size " + size + " must be a whole multiple of the slide " + slide);
        }
    }

    /** Back-to-back windows of {@code size} (config {@code turnstile.window}). */
    public static TurnstileWindows tumbling(StreamTableEnvironment tableEnv, Duration size) {
        return new TurnstileWindows(tableEnv, size, null);
    }

    /**
     * Windows of {@code size} starting every {@code slide}; a delta lands in size/slide windows.
     */
    public static TurnstileWindows hopping(
            StreamTableEnvironment tableEnv, Duration size, Duration slide) {
        return new TurnstileWindows(tableEnv, size, slide);
    }

    /**
     * The deltas as a table with columns {@value #DELTA_COLUMNS}. {@code rowtime} is the delta time
     * as {@code TIMESTAMP(3)}, computed from the row rather than taken from the stream record's
     * timestamp; the watermark is the stream's own ({@code SOURCE_WATERMARK()}), so the windows
     * fire exactly as the pipeline's event time advances.
     */
    public static Table deltaTable(
            StreamTableEnvironment tableEnv, DataStream<TurnstileDelta> deltas) {
        Table raw =
                tableEnv.fromDataStream(
                        deltas,
                        Schema.newBuilder()
                                // Declared because Flink's type extraction sees LocalDate and
                                // LocalDateTime POJO fields as RAW types, which SQL cannot use.
                                .column("ca", DataTypes.STRING())
                                .column("unit", DataTypes.STRING())
                                .column("scp", DataTypes.STRING())
                                .column("station", DataTypes.STRING())
                                .column("linename", DataTypes.STRING())
                                .column("division", DataTypes.STRING())
                                .column("readingDate", DataTypes.DATE())
                                .column("description", DataTypes.STRING())
                                .column("deltaTime", DataTypes.TIMESTAMP(3))
                                .column("entries", DataTypes.BIGINT().notNull())
                                .column("exits", DataTypes.BIGINT().notNull())
                                .columnByExpression("rowtime", "deltaTime")
                                .watermark("rowtime", "SOURCE_WATERMARK()")
                                .build());
        return tableEnv.sqlQuery(
                "SELECT ca, unit, scp, station, linename, division,"
                        + " readingDate AS reading_date, description,"
                        + " deltaTime AS delta_time, entries, exits, rowtime"
                        + " FROM "
                        + raw);
    }

    /**
     * The original consumer's grouping: C/A, UNIT, SCP, STATION, LINENAME, DIVISION, DATE, DESC per
     * window. Columns: window_start, window_end, ca, unit, scp, station, linename, division,
     * reading_date, description, entries, exits, readings (deltas in the window).
     */
    public Table perTurnstile(Table deltas) {
        return tableEnv.sqlQuery(
                "SELECT window_start, window_end, ca, unit, scp, station, linename, division,"
                        + " reading_date, description,"
                        + " SUM(entries) AS entries, SUM(exits) AS exits, COUNT(*) AS readings"
                        + " FROM TABLE("
                        + windowFunction(deltas)
                        + ")"
                        + " GROUP BY window_start, window_end, ca, unit, scp, station, linename,"
                        + " division, reading_date, description");
    }

    /**
     * Station rollup for "busiest stations by hour": per window, STATION and LINENAME (a station
     * name alone is not unique). Columns: window_start, window_end, station, linename, entries,
     * exits, readings, turnstiles (distinct C/A + UNIT + SCP that reported in the window).
     */
    public Table stationRollup(Table deltas) {
        return tableEnv.sqlQuery(
                "SELECT window_start, window_end, station, linename,"
                        + " SUM(entries) AS entries, SUM(exits) AS exits, COUNT(*) AS readings,"
                        + " COUNT(DISTINCT CONCAT_WS('|', ca, unit, scp)) AS turnstiles"
                        + " FROM TABLE("
                        + windowFunction(deltas)
                        + ")"
                        + " GROUP BY window_start, window_end, station, linename");
    }

    public Duration size() {
        return size;
    }

    /** The slide of a hopping window; null when tumbling. */
    public Duration slide() {
        return slide;
    }

    private String windowFunction(Table deltas) {
        // Concatenating a Table into SQL registers it under a generated name (Flink's documented
        // way to mix the Table API and SQL), so no view names can collide across calls.
        if (slide == null) {
            return "TUMBLE(TABLE " + deltas + ", DESCRIPTOR(rowtime), " + interval(size) + ")";
        }
        return "HOP(TABLE "
                + deltas
                + ", DESCRIPTOR(rowtime), "
                + interval(slide)
                + ", "
                + interval(size)
                + ")";
    }

    /** An interval literal wide enough for any duration: SECOND's default precision is 2 digits. */
    static String interval(Duration duration) {
        long millis = duration.toMillis();
        return String.format("INTERVAL '%d.%03d' SECOND(9, 3)", millis / 1000, millis % 1000);
    }

    private static Duration positive(Duration duration, String what) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + duration);
        }
        if (duration.toMillis() == 0) {
            throw new IllegalArgumentException(
                    what + " must be at least a millisecond: " + duration);
        }
        return duration;
    }
}
