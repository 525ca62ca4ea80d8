package io.streamwarehouse.turnstile;

import io.streamwarehouse.turnstile.TurnstileCounter.Baseline;
import java.io.Serializable;
import java.util.List;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The counter rules applied to one turnstile's {@link TurnstileCounter}: the rules listed once, in
 * order, in the {@linkplain io.streamwarehouse.turnstile package documentation}, each the method
 * named for it: {@link #holdInOrder order}, {@link #rejectLate late}, {@link #keepOneOfDuplicates
 * duplicates}, {@link #firstReadingIsBaseline baseline}, {@link #gapStartsNewBaseline gap}, {@link
 * #countDelta delta}, {@link #counterAnomaly anomaly} (resets, wraps and jumps), {@link
 * #countInterval interval mode} and {@link #retentionPassed retention}.
 *
 * <p>Every decision is taken by event time alone (the reading times and the watermark), never by
 * when a reading happened to arrive, so results do not depend on partitions, parallelism, backlog
 * or restores. Buffering, state and timers belong to {@link CounterDeltaOperator}.
 */
public final class CounterDeltas implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Metric names, registered on the operator's metric group. */
    public static final String METRIC_READINGS = "turnstileReadings";

    public static final String METRIC_DUPLICATES = "turnstileDuplicatesDropped";
    public static final String METRIC_DELTAS = "turnstileDeltas";
    public static final String METRIC_ANOMALIES = "turnstileCounterAnomalies";
    public static final String METRIC_GAPS = "turnstileGaps";
    public static final String METRIC_LATE = "turnstileLateReadings";

    /** Where the rules send what they decide. */
    public interface Out {
        void delta(TurnstileDelta delta);

        void anomaly(CounterAnomaly anomaly);

        void late(Reject reject);
    }

    private final CounterRules rules;
    private final long latenessMillis;
    private final long maxGapMillis;
    private final long retentionMillis;

    private transient Counter readings;
    private transient Counter duplicates;
    private transient Counter deltas;
    private transient Counter anomalies;
    private transient Counter gaps;
    private transient Counter late;

    public CounterDeltas(CounterRules rules) {
        this.rules = rules;
        this.latenessMillis = rules.allowedLateness().toMillis();
        this.maxGapMillis = rules.maxGap().toMillis();
        this.retentionMillis = rules.baselineRetention().toMillis();
    }

    public void open(MetricGroup metrics) {
        readings = metrics.counter(METRIC_READINGS);
        duplicates = metrics.counter(METRIC_DUPLICATES);
        deltas = metrics.counter(METRIC_DELTAS);
        anomalies = metrics.counter(METRIC_ANOMALIES);
        gaps = metrics.counter(METRIC_GAPS);
        late = metrics.counter(METRIC_LATE);
    }

    public CounterRules rules() {
        return rules;
    }

    /**
     * When a reading of this time is committed: once the watermark has passed it by the lateness.
     */
    public long commitTime(long readingTime) {
        return readingTime + latenessMillis;
    }

    /** When the retention of a turnstile whose newest reading is at this time runs out. */
    public long cleanupTime(long newestTime) {
        return newestTime + retentionMillis + latenessMillis;
    }

    /**
     * Late: a reading whose commit time the watermark has already passed is rejected; returns true
     * then. Counts every reading that arrives.
     */
    public boolean rejectLate(TurnstileReading reading, long watermark, Out out) {
        readings.inc();
        if (commitTime(reading.eventTimeMillis()) > watermark) {
            return false;
        }
        reject(reading, watermark, out);
        return true;
    }

    /**
     * Order: the reading waits among the turnstile's pending readings, in reading-time order, until
     * the watermark passes its time plus the allowed lateness. In order, the common case, it is
     * appended.
     */
    public void holdInOrder(TurnstileCounter counter, TurnstileReading reading) {
        List<TurnstileReading> pending = counter.pending;
        long time = reading.eventTimeMillis();
        int index = pending.size();
        while (index > 0 && pending.get(index - 1).eventTimeMillis() >= time) {
            index--;
        }
        if (index < pending.size() && pending.get(index).eventTimeMillis() == time) {
            keepOneOfDuplicates(pending, index, reading);
        } else {
            pending.add(index, reading);
        }
        counter.dirty = true;
    }

    /** Duplicates: REGULAR wins over RECOVR AUD, otherwise the first to arrive. */
    private void keepOneOfDuplicates(
            List<TurnstileReading> pending, int index, TurnstileReading reading) {
        duplicates.inc();
        if (reading.regular() && !pending.get(index).regular()) {
            pending.set(index, reading);
        }
    }

    /**
     * Commits the oldest pending reading, which the caller found due: the watermark has passed its
     * time plus the allowed lateness.
     */
    public void commitOldest(TurnstileKey key, TurnstileCounter counter, long watermark, Out out) {
        commit(key, counter, counter.pending.remove(0), watermark, out);
        counter.dirty = true;
    }

    private void commit(
            TurnstileKey key,
            TurnstileCounter counter,
            TurnstileReading reading,
            long watermark,
            Out out) {
        if (rules.mode() == CounterMode.INTERVAL) {
            countInterval(key, reading, out);
            return;
        }
        long time = reading.eventTimeMillis();
        Baseline last = counter.baseline;
        if (last == null) {
            firstReadingIsBaseline(counter, reading, time);
        } else if (time <= last.time) {
            // Only reachable when state was restored under a different allowed lateness: the
            // reading can no longer be put in order, which is exactly what "late" means.
            reject(reading, watermark, out);
        } else if (time - last.time > maxGapMillis) {
            gapStartsNewBaseline(key, counter, reading, time, out);
        } else {
            countDelta(key, counter, reading, time, out);
        }
    }

    /** Baseline: the first reading of a turnstile gives no delta. */
    private void firstReadingIsBaseline(
            TurnstileCounter counter, TurnstileReading reading, long time) {
        newBaseline(counter, reading, time);
    }

    /** Gap: readings further apart than max-gap give no delta; the later is the new baseline. */
    private void gapStartsNewBaseline(
            TurnstileKey key,
            TurnstileCounter counter,
            TurnstileReading reading,
            long time,
            Out out) {
        gaps.inc();
        Baseline last = counter.baseline;
        out.anomaly(anomaly(key, reading, last, CounterAnomaly.ENTRIES, CounterAnomaly.GAP, null));
        out.anomaly(anomaly(key, reading, last, CounterAnomaly.EXITS, CounterAnomaly.GAP, null));
        newBaseline(counter, reading, time);
    }

    /**
     * Delta: |this - previous| per counter, each judged on its own because many registers count
     * backwards; a counter that fails {@link #counterAnomaly} contributes 0. The reading becomes
     * the baseline either way.
     */
    private void countDelta(
            TurnstileKey key,
            TurnstileCounter counter,
            TurnstileReading reading,
            long time,
            Out out) {
        Baseline last = counter.baseline;
        long threshold = rules.thresholdFor(time - last.time);
        long entries = Math.abs(reading.entries - last.entries);
        long exits = Math.abs(reading.exits - last.exits);
        boolean entriesCounted =
                !counterAnomaly(
                        key, entries, threshold, CounterAnomaly.ENTRIES, last, reading, out);
        boolean exitsCounted =
                !counterAnomaly(key, exits, threshold, CounterAnomaly.EXITS, last, reading, out);
        if (entriesCounted || exitsCounted) {
            emit(
                    new TurnstileDelta(
                            reading, entriesCounted ? entries : 0, exitsCounted ? exits : 0),
                    out);
        }
        newBaseline(counter, reading, time);
    }

    /**
     * Anomaly: a counter's delta above max-per-hour x max(1, hours between the readings) is a
     * reset, a wrap near 2^31 or a jump of millions; it is recorded, not counted.
     */
    private boolean counterAnomaly(
            TurnstileKey key,
            long delta,
            long threshold,
            String counter,
            Baseline last,
            TurnstileReading reading,
            Out out) {
        if (delta <= threshold) {
            return false;
        }
        anomalies.inc();
        out.anomaly(anomaly(key, reading, last, counter, CounterAnomaly.ANOMALY, threshold));
        return true;
    }

    /** Interval mode: the reading is its own delta, each count up to the ceiling. */
    private void countInterval(TurnstileKey key, TurnstileReading reading, Out out) {
        long ceiling = rules.maxIntervalCount();
        boolean entriesCounted = reading.entries <= ceiling;
        boolean exitsCounted = reading.exits <= ceiling;
        if (!entriesCounted) {
            anomalies.inc();
            out.anomaly(intervalAnomaly(key, reading, CounterAnomaly.ENTRIES));
        }
        if (!exitsCounted) {
            anomalies.inc();
            out.anomaly(intervalAnomaly(key, reading, CounterAnomaly.EXITS));
        }
        if (entriesCounted || exitsCounted) {
            emit(
                    new TurnstileDelta(
                            reading,
                            entriesCounted ? reading.entries : 0,
                            exitsCounted ? reading.exits : 0),
                    out);
        }
    }

    /**
     * Retention: a turnstile whose newest reading, committed or pending, is older than the baseline
     * retention at {@code timestamp} is forgotten; its next reading starts afresh.
     */
    public boolean retentionPassed(TurnstileCounter counter, long timestamp) {
        return cleanupTime(counter.newestTime()) <= timestamp;
    }

    private CounterAnomaly intervalAnomaly(
            TurnstileKey key, TurnstileReading reading, String counter) {
        return new CounterAnomaly(
                key,
                reading.readingTime,
                counter,
                CounterAnomaly.ANOMALY,
                reading.readingTime,
                0,
                CounterAnomaly.ENTRIES.equals(counter) ? reading.entries : reading.exits,
                rules.maxIntervalCount());
    }

    private void emit(TurnstileDelta delta, Out out) {
        deltas.inc();
        out.delta(delta);
    }

    private static void newBaseline(TurnstileCounter counter, TurnstileReading reading, long time) {
        counter.baseline = new Baseline(time, reading.entries, reading.exits);
    }

    private static CounterAnomaly anomaly(
            TurnstileKey key,
            TurnstileReading reading,
            Baseline last,
            String counter,
            String kind,
            Long threshold) {
        boolean isEntries = CounterAnomaly.ENTRIES.equals(counter);
        return new CounterAnomaly(
                key,
                reading.readingTime,
                counter,
                kind,
                TurnstileTime.fromEpochMillis(last.time),
                isEntries ? last.entries : last.exits,
                isEntries ? reading.entries : reading.exits,
                threshold);
    }

    private void reject(TurnstileReading reading, long watermark, Out out) {
        late.inc();
        out.late(
                new Reject(
                        reading.topic,
                        reading.partition,
                        reading.offset,
                        RejectReason.LATE,
                        "reading "
                                + reading
                                + " arrived after the watermark "
                                + TurnstileTime.fromEpochMillis(watermark)
                                + " (allowed lateness "
                                + rules.allowedLateness()
                                + ")",
                        null));
    }
}
