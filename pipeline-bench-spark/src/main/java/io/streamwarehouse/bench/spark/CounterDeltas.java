package io.streamwarehouse.bench.spark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.function.FlatMapGroupsWithStateFunction;
import org.apache.spark.sql.streaming.GroupState;
import org.apache.spark.util.LongAccumulator;

/**
 * The Flink job's CounterDeltas rules (cumulative mode, the default options: allowed lateness 0,
 * max gap 24 h, 2000 per hour, baseline retention 7 days) followed by its per-turnstile tumbling
 * window aggregate, as one {@code flatMapGroupsWithState} in Append mode with an event-time
 * timeout, keyed by turnstile (C/A, UNIT, SCP, STATION).
 *
 * <p>Deltas: a reading is held until the watermark reaches its time, then committed in reading-time
 * order; a reading at or behind the watermark when it arrives is late (counted, dropped); two
 * readings of one turnstile at one time keep REGULAR over RECOVR AUD, else the first; the first
 * reading is a baseline; readings more than 24 h apart give no delta (gap); a counter's
 * |difference| above 2000 x max(1, hours) is an anomaly and contributes 0; a delta is emitted when
 * one counter counted; a baseline silent for 7 days is dropped. Anomalies and gaps are counted, not
 * written.
 *
 * <p>Windows: each delta is summed into the window of its time and its grouping (LINENAME,
 * DIVISION, DATE, DESC of the later reading); a window is emitted once, when the watermark passes
 * its end, like Flink's window TVF. This is done here rather than by a Spark window aggregation
 * after this operator because Spark 3.5 cannot chain the two: the deltas come out when the
 * watermark reaches their time, which makes every one of them a late row for a downstream stateful
 * operator on the same global watermark (Spark warns of exactly this, and drops them), and with
 * watermark propagation (the default) a watermark cannot be declared on this operator's output.
 *
 * <p>Spark's watermark is fixed for a micro-batch: the one in force while this batch's data arrived
 * ({@link GroupState#getCurrentWatermarkMs()}), which is what the Flink operator's watermark is
 * when those records reach it.
 */
final class CounterDeltas
        implements FlatMapGroupsWithStateFunction<String, Reading, TurnstileState, WindowRow> {
    private static final long serialVersionUID = 1L;

    static final long HOUR_MILLIS = 3_600_000L;
    static final long DAY_MILLIS = 24 * HOUR_MILLIS;
    static final long MAX_GAP_MILLIS = 24 * HOUR_MILLIS;
    static final long MAX_PER_HOUR = 2000;
    static final long RETENTION_MILLIS = 7 * 24 * HOUR_MILLIS;

    private final Counters counters;
    private final long windowMillis;

    CounterDeltas(Counters counters, long windowMillis) {
        this.counters = counters;
        this.windowMillis = windowMillis;
    }

    /** What the job counts instead of writing (the Flink job writes rejects and anomalies). */
    static final class Counters implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        final LongAccumulator readings;
        final LongAccumulator late;
        final LongAccumulator duplicates;
        final LongAccumulator deltas;
        final LongAccumulator anomalies;
        final LongAccumulator gaps;
        final LongAccumulator windows;

        Counters(org.apache.spark.SparkContext sc) {
            readings = sc.longAccumulator("readings");
            late = sc.longAccumulator("late");
            duplicates = sc.longAccumulator("duplicates");
            deltas = sc.longAccumulator("deltas");
            anomalies = sc.longAccumulator("anomalies");
            gaps = sc.longAccumulator("gaps");
            windows = sc.longAccumulator("windows");
        }
    }

    @Override
    public Iterator<WindowRow> call(
            String key, Iterator<Reading> values, GroupState<TurnstileState> state) {
        if (Reading.END_KEY.equals(key)) {
            // the end-of-input marker only moves the watermark
            values.forEachRemaining(r -> {});
            return Collections.emptyIterator();
        }
        long watermark = state.getCurrentWatermarkMs();
        TurnstileState s = state.exists() ? state.get() : new TurnstileState();
        TreeMap<Long, Reading> pending = new TreeMap<>();
        for (Reading r : s.getPending()) {
            pending.put(r.getTime(), r);
        }
        while (values.hasNext()) {
            Reading r = values.next();
            counters.readings.add(1);
            if (r.getTime() <= watermark) {
                counters.late.add(1);
                continue;
            }
            Reading held = pending.get(r.getTime());
            if (held == null) {
                pending.put(r.getTime(), r);
            } else {
                counters.duplicates.add(1);
                if (r.regular() && !held.regular()) {
                    pending.put(r.getTime(), r);
                }
            }
        }
        while (!pending.isEmpty() && pending.firstKey() <= watermark) {
            Map.Entry<Long, Reading> due = pending.pollFirstEntry();
            commit(due.getValue(), s);
        }
        // Flink fires a window once the watermark reaches its last millisecond
        List<WindowRow> out = new ArrayList<>(2);
        List<OpenWindow> open = new ArrayList<>(s.getWindows().size());
        String[] turnstile = null;
        long firstEnd = Long.MAX_VALUE;
        for (OpenWindow w : s.getWindows()) {
            long end = w.getStart() + windowMillis;
            if (end - 1 <= watermark) {
                if (turnstile == null) {
                    turnstile = key.split("\u0001", -1);
                }
                out.add(new WindowRow(turnstile, w, windowMillis));
                counters.windows.add(1);
            } else {
                open.add(w);
                firstEnd = Math.min(firstEnd, end);
            }
        }
        s.setWindows(open);
        if (pending.isEmpty()
                && open.isEmpty()
                && (!s.hasBaseline() || s.getBaselineTime() + RETENTION_MILLIS <= watermark)) {
            state.remove();
            return out.iterator();
        }
        s.setPending(new ArrayList<>(pending.values()));
        state.update(s);
        // Spark times out once the watermark is past the timeout: one below the first pending
        // reading commits it in the batch whose watermark first reaches its time, two below a
        // window's end closes it in the batch whose watermark reaches its last millisecond.
        long timeout = s.hasBaseline() ? s.getBaselineTime() + RETENTION_MILLIS : Long.MAX_VALUE;
        if (!pending.isEmpty()) {
            timeout = Math.min(timeout, pending.firstKey() - 1);
        }
        if (!open.isEmpty()) {
            timeout = Math.min(timeout, firstEnd - 2);
        }
        state.setTimeoutTimestamp(Math.max(timeout, watermark));
        return out.iterator();
    }

    private void commit(Reading reading, TurnstileState s) {
        long time = reading.getTime();
        if (!s.hasBaseline()) {
            baseline(s, reading);
            return;
        }
        if (time <= s.getBaselineTime()) {
            counters.late.add(1);
            return;
        }
        long gap = time - s.getBaselineTime();
        if (gap > MAX_GAP_MILLIS) {
            counters.gaps.add(1);
            baseline(s, reading);
            return;
        }
        long threshold = Math.multiplyExact(MAX_PER_HOUR, Math.max(HOUR_MILLIS, gap)) / HOUR_MILLIS;
        long entries = Math.abs(reading.getEntries() - s.getBaselineEntries());
        long exits = Math.abs(reading.getExits() - s.getBaselineExits());
        boolean entriesCounted = entries <= threshold;
        boolean exitsCounted = exits <= threshold;
        if (!entriesCounted) {
            counters.anomalies.add(1);
        }
        if (!exitsCounted) {
            counters.anomalies.add(1);
        }
        if (entriesCounted || exitsCounted) {
            counters.deltas.add(1);
            add(s, reading, entriesCounted ? entries : 0, exitsCounted ? exits : 0);
        }
        baseline(s, reading);
    }

    /** The delta, at the later reading's time and with its fields, into its window. */
    private void add(TurnstileState s, Reading reading, long entries, long exits) {
        long start = reading.getTime() - Math.floorMod(reading.getTime(), windowMillis);
        long epochDay = Math.floorDiv(reading.getTime(), DAY_MILLIS);
        OpenWindow window = null;
        for (OpenWindow w : s.getWindows()) {
            if (w.sameGroup(start, reading, epochDay)) {
                window = w;
                break;
            }
        }
        if (window == null) {
            window = new OpenWindow();
            window.setStart(start);
            window.setLinename(reading.getLinename());
            window.setDivision(reading.getDivision());
            window.setReadingEpochDay(epochDay);
            window.setDescription(reading.getDescription());
            s.getWindows().add(window);
        }
        window.setEntries(window.getEntries() + entries);
        window.setExits(window.getExits() + exits);
        window.setReadings(window.getReadings() + 1);
    }

    private static void baseline(TurnstileState s, Reading reading) {
        s.setBaselineTime(reading.getTime());
        s.setBaselineEntries(reading.getEntries());
        s.setBaselineExits(reading.getExits());
    }
}
