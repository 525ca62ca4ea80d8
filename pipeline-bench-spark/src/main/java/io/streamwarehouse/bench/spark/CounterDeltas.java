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
 * The Flink job's CounterDeltaFunction (cumulative mode, the default options: allowed lateness 0,
 * max gap 24 h, 2000 per hour, baseline retention 7 days) as a {@code flatMapGroupsWithState} in
 * Append mode with an event-time timeout, keyed by turnstile (C/A, UNIT, SCP, STATION).
 *
 * <p>A reading is held until the watermark reaches its time, then committed in reading-time order;
 * a reading at or behind the watermark when it arrives is late (counted, dropped); two readings of
 * one turnstile at one time keep REGULAR over RECOVR AUD, else the first; the first reading is a
 * baseline; readings more than 24 h apart give no delta (gap); a counter's |difference| above 2000
 * x max(1, hours) is an anomaly and contributes 0; a delta is emitted when one counter counted; a
 * baseline silent for 7 days is dropped. Anomalies and gaps are counted, not written.
 *
 * <p>Spark's watermark is fixed for a micro-batch: the one in force while this batch's data arrived
 * ({@link GroupState#getCurrentWatermarkMs()}), which is what the Flink operator's watermark is
 * when those records reach it.
 */
final class CounterDeltas
        implements FlatMapGroupsWithStateFunction<String, Reading, TurnstileState, Delta> {
    private static final long serialVersionUID = 1L;

    static final long HOUR_MILLIS = 3_600_000L;
    static final long MAX_GAP_MILLIS = 24 * HOUR_MILLIS;
    static final long MAX_PER_HOUR = 2000;
    static final long RETENTION_MILLIS = 7 * 24 * HOUR_MILLIS;

    private final Counters counters;

    CounterDeltas(Counters counters) {
        this.counters = counters;
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

        Counters(org.apache.spark.SparkContext sc) {
            readings = sc.longAccumulator("readings");
            late = sc.longAccumulator("late");
            duplicates = sc.longAccumulator("duplicates");
            deltas = sc.longAccumulator("deltas");
            anomalies = sc.longAccumulator("anomalies");
            gaps = sc.longAccumulator("gaps");
        }
    }

    @Override
    public Iterator<Delta> call(
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
        List<Delta> out = new ArrayList<>(2);
        while (!pending.isEmpty() && pending.firstKey() <= watermark) {
            Map.Entry<Long, Reading> due = pending.pollFirstEntry();
            commit(due.getValue(), s, out);
        }
        if (pending.isEmpty()
                && (!s.hasBaseline() || s.getBaselineTime() + RETENTION_MILLIS <= watermark)) {
            state.remove();
            return out.iterator();
        }
        s.setPending(new ArrayList<>(pending.values()));
        state.update(s);
        // Spark fires the timeout once the watermark is past it; one below the first pending
        // reading commits that reading in the batch whose watermark first reaches its time.
        long timeout =
                pending.isEmpty() ? s.getBaselineTime() + RETENTION_MILLIS : pending.firstKey() - 1;
        state.setTimeoutTimestamp(Math.max(timeout, watermark));
        return out.iterator();
    }

    private void commit(Reading reading, TurnstileState s, List<Delta> out) {
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
            out.add(new Delta(reading, entriesCounted ? entries : 0, exitsCounted ? exits : 0));
        }
        baseline(s, reading);
    }

    private static void baseline(TurnstileState s, Reading reading) {
        s.setBaselineTime(reading.getTime());
        s.setBaselineEntries(reading.getEntries());
        s.setBaselineExits(reading.getExits());
    }
}
