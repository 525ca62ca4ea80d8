package io.streamwarehouse.turnstile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Deduplicates, orders and differences the readings of one turnstile (keyed by {@link
 * TurnstileKey}, event time = reading time, see {@link TurnstileTime}).
 *
 * <p>It applies the counter rules listed once, in order, in the {@linkplain
 * io.streamwarehouse.turnstile package documentation}; each rule is the method named for it: {@link
 * #holdInOrder order}, {@link #rejectLate late}, {@link #keepOneOfDuplicates duplicates}, {@link
 * #firstReadingIsBaseline baseline}, {@link #gapStartsNewBaseline gap}, {@link #countDelta delta},
 * {@link #counterAnomaly anomaly} (resets, wraps and jumps), {@link #countInterval interval mode}
 * and {@link #cleanUpOrRearm retention}.
 *
 * <p>The watermark that decides lateness survives a restore: Flink starts a restored job's
 * watermarks from nothing, so a reading behind the old watermark would be taken in and differenced
 * against a baseline already moved past it, into a window already written. The highest watermark
 * seen is kept in operator state and acts as a floor after a restore, so a restored job rejects
 * exactly what an uninterrupted one rejects.
 *
 * <p>State: {@code pending} (reading time to reading) holds a reading only until it is committed,
 * by the timer at its time plus the allowed lateness; that timer finds it by key, so no commit
 * scans the map. {@code baseline} (the last committed reading's time and counters) is removed by an
 * event-time timer baseline retention plus {@code allowed-lateness} after that reading, because
 * past the retention (at least max-gap) the next reading could not give a delta anyway. Event time
 * rather than a processing-time TTL, so a week replayed in a minute is cleaned up the same way as a
 * live week, and results never depend on wall-clock speed.
 *
 * <p>Deltas are emitted {@code allowed-lateness} behind the watermark. With a non-zero lateness,
 * put {@link WatermarkDelayOperator} after this function so downstream event-time windows do not
 * see the deltas as late.
 */
public class CounterDeltaFunction
        extends KeyedProcessFunction<TurnstileKey, TurnstileReading, TurnstileDelta>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<CounterAnomaly> ANOMALIES =
            new OutputTag<>(
                    "turnstile-counter-anomalies", TypeInformation.of(CounterAnomaly.class));

    public static final OutputTag<Reject> LATE =
            new OutputTag<>("turnstile-late-readings", TypeInformation.of(Reject.class));

    /** Metric names, registered on the operator's metric group. */
    public static final String METRIC_READINGS = "turnstileReadings";

    public static final String METRIC_DUPLICATES = "turnstileDuplicatesDropped";
    public static final String METRIC_DELTAS = "turnstileDeltas";
    public static final String METRIC_ANOMALIES = "turnstileCounterAnomalies";
    public static final String METRIC_GAPS = "turnstileGaps";
    public static final String METRIC_LATE = "turnstileLateReadings";

    private final CounterRules rules;
    private final long latenessMillis;
    private final long maxGapMillis;
    private final long retentionMillis;

    private transient MapState<Long, TurnstileReading> pending;
    private transient ValueState<Baseline> baseline;

    /** The highest watermark seen, checkpointed: the floor of the watermark after a restore. */
    private transient ListState<Long> watermarkState;

    private transient long watermarkFloor = Long.MIN_VALUE;
    private transient long highestWatermark = Long.MIN_VALUE;

    private transient Counter readings;
    private transient Counter duplicates;
    private transient Counter deltas;
    private transient Counter anomalies;
    private transient Counter gaps;
    private transient Counter late;

    public CounterDeltaFunction(CounterRules rules) {
        this.rules = rules;
        this.latenessMillis = rules.allowedLateness().toMillis();
        this.maxGapMillis = rules.maxGap().toMillis();
        this.retentionMillis = rules.baselineRetention().toMillis();
    }

    /** The last committed reading of a turnstile: all the next delta needs. */
    public static class Baseline {
        /** Reading time as event-time millis. */
        public long time;

        public long entries;
        public long exits;

        public Baseline() {}

        Baseline(long time, long entries, long exits) {
            this.time = time;
            this.entries = entries;
            this.exits = exits;
        }
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        watermarkState =
                context.getOperatorStateStore()
                        .getUnionListState(new ListStateDescriptor<>("watermark", Types.LONG));
        watermarkFloor = Long.MIN_VALUE;
        highestWatermark = Long.MIN_VALUE;
        if (context.isRestored()) {
            // Union state: every subtask sees every subtask's watermark. The lowest is the one
            // that all of them had passed, whatever the new parallelism.
            long lowest = Long.MAX_VALUE;
            for (Long watermark : watermarkState.get()) {
                lowest = Math.min(lowest, watermark);
            }
            watermarkFloor = lowest == Long.MAX_VALUE ? Long.MIN_VALUE : lowest;
            highestWatermark = watermarkFloor;
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        watermarkState.update(List.of(highestWatermark));
    }

    /** The current watermark, never below the one restored from the checkpoint. */
    private long watermark(Context ctx) {
        long watermark = Math.max(watermarkFloor, ctx.timerService().currentWatermark());
        highestWatermark = Math.max(highestWatermark, watermark);
        return watermark;
    }

    @Override
    public void open(OpenContext openContext) {
        pending =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "pending",
                                        Types.LONG,
                                        TypeInformation.of(TurnstileReading.class)));
        baseline =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("baseline", Baseline.class));
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        readings = metrics.counter(METRIC_READINGS);
        duplicates = metrics.counter(METRIC_DUPLICATES);
        deltas = metrics.counter(METRIC_DELTAS);
        anomalies = metrics.counter(METRIC_ANOMALIES);
        gaps = metrics.counter(METRIC_GAPS);
        late = metrics.counter(METRIC_LATE);
    }

    @Override
    public void processElement(TurnstileReading reading, Context ctx, Collector<TurnstileDelta> out)
            throws Exception {
        readings.inc();
        long time = reading.eventTimeMillis();
        long watermark = watermark(ctx);
        if (time + latenessMillis <= watermark) {
            rejectLate(reading, watermark, ctx);
            return;
        }
        TurnstileReading held = pending.get(time);
        if (held == null) {
            holdInOrder(reading, time, ctx);
        } else {
            keepOneOfDuplicates(held, reading, time);
        }
    }

    /** Order: the reading waits until the watermark passes its time plus the allowed lateness. */
    private void holdInOrder(TurnstileReading reading, long time, Context ctx) throws Exception {
        pending.put(time, reading);
        ctx.timerService().registerEventTimeTimer(time + latenessMillis);
    }

    /** Duplicates: REGULAR wins over RECOVR AUD, otherwise the first to arrive. */
    private void keepOneOfDuplicates(TurnstileReading held, TurnstileReading reading, long time)
            throws Exception {
        duplicates.inc();
        if (reading.regular() && !held.regular()) {
            pending.put(time, reading);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<TurnstileDelta> out)
            throws Exception {
        watermark(ctx);
        long time = timestamp - latenessMillis;
        TurnstileReading reading = pending.get(time);
        if (reading != null) {
            // The common case: this timer is the commit time of exactly one reading, and timers
            // fire in time order, so readings are committed in reading-time order without a scan.
            pending.remove(time);
            commit(reading, time, ctx, out);
        } else {
            commitAllDue(timestamp, ctx, out);
            cleanUpOrRearm(timestamp, ctx);
        }
    }

    /**
     * The baseline's cleanup timer fired. A turnstile keeps one cleanup timer, armed with its first
     * baseline and moved on only here, rather than deleting and registering one per reading (two
     * RocksDB writes each): if a newer baseline or pending reading exists, the timer is armed again
     * for the newest of them; otherwise the baseline has been silent for the retention and goes.
     */
    private void cleanUpOrRearm(long timestamp, OnTimerContext ctx) throws Exception {
        Baseline last = baseline.value();
        if (last == null) {
            return;
        }
        long newest = last.time;
        for (Long time : pending.keys()) {
            newest = Math.max(newest, time);
        }
        if (cleanupTime(newest) <= timestamp) {
            baseline.clear();
        } else {
            ctx.timerService().registerEventTimeTimer(cleanupTime(newest));
        }
    }

    /**
     * A baseline's cleanup timer, or a timer of state restored under another allowed lateness
     * (whose commit times no longer line up): commits whatever is due, in order, and re-registers
     * the rest.
     */
    private void commitAllDue(long timestamp, OnTimerContext ctx, Collector<TurnstileDelta> out)
            throws Exception {
        List<Long> due = new ArrayList<>();
        for (Long time : pending.keys()) {
            if (time + latenessMillis <= timestamp) {
                due.add(time);
            } else {
                ctx.timerService().registerEventTimeTimer(time + latenessMillis);
            }
        }
        Collections.sort(due);
        for (Long time : due) {
            TurnstileReading reading = pending.get(time);
            pending.remove(time);
            commit(reading, time, ctx, out);
        }
    }

    private void commit(
            TurnstileReading reading, long time, OnTimerContext ctx, Collector<TurnstileDelta> out)
            throws Exception {
        if (rules.mode() == CounterMode.INTERVAL) {
            countInterval(reading, ctx, out);
            return;
        }
        Baseline last = baseline.value();
        if (last == null) {
            firstReadingIsBaseline(reading, time, ctx);
        } else if (time <= last.time) {
            // Only reachable when state was restored under a different allowed lateness: the
            // reading can no longer be put in order, which is exactly what "late" means.
            rejectLate(reading, watermark(ctx), ctx);
        } else if (time - last.time > maxGapMillis) {
            gapStartsNewBaseline(last, reading, time, ctx);
        } else {
            countDelta(last, reading, time, ctx, out);
        }
    }

    /** Baseline: the first reading of a turnstile gives no delta. */
    private void firstReadingIsBaseline(TurnstileReading reading, long time, OnTimerContext ctx)
            throws Exception {
        newBaseline(null, reading, time, ctx);
    }

    /** Gap: readings further apart than max-gap give no delta; the later is the new baseline. */
    private void gapStartsNewBaseline(
            Baseline last, TurnstileReading reading, long time, OnTimerContext ctx)
            throws Exception {
        gaps.inc();
        ctx.output(
                ANOMALIES,
                anomaly(ctx, reading, last, CounterAnomaly.ENTRIES, CounterAnomaly.GAP, null));
        ctx.output(
                ANOMALIES,
                anomaly(ctx, reading, last, CounterAnomaly.EXITS, CounterAnomaly.GAP, null));
        newBaseline(last, reading, time, ctx);
    }

    /**
     * Delta: |this - previous| per counter, each judged on its own because many registers count
     * backwards; a counter that fails {@link #counterAnomaly} contributes 0. The reading becomes
     * the baseline either way.
     */
    private void countDelta(
            Baseline last,
            TurnstileReading reading,
            long time,
            OnTimerContext ctx,
            Collector<TurnstileDelta> out)
            throws Exception {
        long threshold = rules.thresholdFor(time - last.time);
        long entries = Math.abs(reading.entries - last.entries);
        long exits = Math.abs(reading.exits - last.exits);
        boolean entriesCounted =
                !counterAnomaly(entries, threshold, CounterAnomaly.ENTRIES, last, reading, ctx);
        boolean exitsCounted =
                !counterAnomaly(exits, threshold, CounterAnomaly.EXITS, last, reading, ctx);
        if (entriesCounted || exitsCounted) {
            emit(
                    new TurnstileDelta(
                            reading, entriesCounted ? entries : 0, exitsCounted ? exits : 0),
                    out);
        }
        newBaseline(last, reading, time, ctx);
    }

    /**
     * Anomaly: a counter's delta above max-per-hour x max(1, hours between the readings) is a
     * reset, a wrap near 2^31 or a jump of millions; it is recorded, not counted.
     */
    private boolean counterAnomaly(
            long delta,
            long threshold,
            String counter,
            Baseline last,
            TurnstileReading reading,
            OnTimerContext ctx) {
        if (delta <= threshold) {
            return false;
        }
        anomalies.inc();
        ctx.output(
                ANOMALIES, anomaly(ctx, reading, last, counter, CounterAnomaly.ANOMALY, threshold));
        return true;
    }

    /** Interval mode: the reading is its own delta, each count up to the ceiling. */
    private void countInterval(
            TurnstileReading reading, OnTimerContext ctx, Collector<TurnstileDelta> out) {
        long ceiling = rules.maxIntervalCount();
        boolean entriesCounted = reading.entries <= ceiling;
        boolean exitsCounted = reading.exits <= ceiling;
        if (!entriesCounted) {
            anomalies.inc();
            ctx.output(ANOMALIES, intervalAnomaly(ctx, reading, CounterAnomaly.ENTRIES));
        }
        if (!exitsCounted) {
            anomalies.inc();
            ctx.output(ANOMALIES, intervalAnomaly(ctx, reading, CounterAnomaly.EXITS));
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

    private CounterAnomaly intervalAnomaly(
            OnTimerContext ctx, TurnstileReading reading, String counter) {
        return new CounterAnomaly(
                ctx.getCurrentKey(),
                reading.readingTime,
                counter,
                CounterAnomaly.ANOMALY,
                reading.readingTime,
                0,
                CounterAnomaly.ENTRIES.equals(counter) ? reading.entries : reading.exits,
                rules.maxIntervalCount());
    }

    private void emit(TurnstileDelta delta, Collector<TurnstileDelta> out) {
        deltas.inc();
        out.collect(delta);
    }

    private void newBaseline(
            Baseline previous, TurnstileReading reading, long time, OnTimerContext ctx)
            throws Exception {
        baseline.update(new Baseline(time, reading.entries, reading.exits));
        // The first baseline arms the cleanup timer (see cleanUpOrRearm); so does a commit whose
        // timer was also the cleanup time of the baseline it replaces, which it has used up.
        if (previous == null || cleanupTime(previous.time) == ctx.timestamp()) {
            ctx.timerService().registerEventTimeTimer(cleanupTime(time));
        }
    }

    private long cleanupTime(long baselineTime) {
        return baselineTime + retentionMillis + latenessMillis;
    }

    private static CounterAnomaly anomaly(
            OnTimerContext ctx,
            TurnstileReading reading,
            Baseline last,
            String counter,
            String kind,
            Long threshold) {
        boolean isEntries = CounterAnomaly.ENTRIES.equals(counter);
        return new CounterAnomaly(
                ctx.getCurrentKey(),
                reading.readingTime,
                counter,
                kind,
                TurnstileTime.fromEpochMillis(last.time),
                isEntries ? last.entries : last.exits,
                isEntries ? reading.entries : reading.exits,
                threshold);
    }

    private void rejectLate(TurnstileReading reading, long watermark, Context ctx) {
        late.inc();
        ctx.output(
                LATE,
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
