package io.streamwarehouse.turnstile;

import java.util.Arrays;
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
 * <p>Rules, in the order they apply:
 *
 * <ol>
 *   <li><b>Order.</b> A reading is held in state until the watermark passes its time plus the
 *       allowed lateness, then committed by an event-time timer; commits happen in reading-time
 *       order whatever the arrival order.
 *   <li><b>Late.</b> A reading that arrives when the watermark has already passed its time plus the
 *       allowed lateness cannot be put in order any more; it goes to {@link #LATE} as a reject with
 *       reason {@code late}. (Readings of a turnstile that were already committed after it cannot
 *       be re-differenced without retracting emitted deltas.)
 *   <li><b>Duplicates.</b> Two readings of one turnstile at the same time: REGULAR wins over RECOVR
 *       AUD, otherwise the first to arrive; the other is dropped and counted. A Kafka redelivery of
 *       the same reading collapses here too.
 *   <li><b>Baseline.</b> The first reading of a turnstile gives no delta.
 *   <li><b>Gap.</b> Readings more than {@code max-gap} apart give no delta; the later becomes the
 *       baseline and a {@code gap} record per counter goes to {@link #ANOMALIES}.
 *   <li><b>Delta.</b> {@code |this - previous|} for ENTRIES and EXITS, each judged on its own,
 *       because many registers count backwards.
 *   <li><b>Anomaly.</b> A counter's delta above {@code max-per-hour x max(1, hours between the
 *       readings)} is not counted and recorded as an {@code anomaly}; this catches resets, wraps
 *       near 2^31 and jumps of millions. The reading still becomes the baseline, so counting
 *       resumes from the new register value at the next reading.
 *   <li><b>Output.</b> One {@link TurnstileDelta} per committed reading that has a baseline within
 *       max-gap and at least one counter counted; an anomalous counter contributes 0. The delta
 *       belongs to the later reading's time.
 *   <li><b>Interval mode.</b> Readings already hold per-interval counts: after ordering and
 *       deduplication each reading is its own delta, with no baseline or gap rules. A count above
 *       {@code turnstile.max-interval-count} is an {@code anomaly} (previous value 0, threshold the
 *       ceiling) and contributes 0, which also keeps every window sum far from overflow.
 * </ol>
 *
 * <p>The watermark that decides lateness survives a restore: Flink starts a restored job's
 * watermarks from nothing, so a reading behind the old watermark would be taken in and differenced
 * against a baseline already moved past it, into a window already written. The highest watermark
 * seen is kept in operator state and acts as a floor after a restore, so a restored job rejects
 * exactly what an uninterrupted one rejects.
 *
 * <p>State: one {@link TurnstileState} per turnstile, read and written once per reading and once
 * per commit (a map of pending readings cost a scan per timer). Its pending readings stay only
 * until they are committed; its baseline (the last committed reading's time and counters) is
 * removed by an event-time timer {@code baseline-retention + allowed-lateness} after that reading,
 * because past the retention (at least max-gap) the next reading could not give a delta anyway.
 * Event time rather than a processing-time TTL, so a week replayed in a minute is cleaned up the
 * same way as a live week, and results never depend on wall-clock speed.
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

    /**
     * Everything one turnstile needs between its readings, in one value: one read and one write per
     * reading and per commit, instead of a map scan per timer.
     */
    private transient ValueState<TurnstileState> state;

    /** The layout before {@link TurnstileState}, read once per turnstile after an upgrade. */
    private transient MapState<Long, TurnstileReading> legacyPending;

    private transient ValueState<Baseline> legacyBaseline;

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

    /**
     * One turnstile's state: its baseline (null before the first committed reading) and its
     * readings waiting for the watermark, in reading-time order, one per time. A Flink POJO with an
     * array (not a list) so no part of it falls back to Kryo.
     */
    public static class TurnstileState {
        public Baseline baseline;
        public TurnstileReading[] pending = new TurnstileReading[0];

        public TurnstileState() {}

        int indexOf(long time) {
            for (int i = 0; i < pending.length; i++) {
                if (pending[i].eventTimeMillis() == time) {
                    return i;
                }
            }
            return -1;
        }

        boolean isPending(long time) {
            return indexOf(time) >= 0;
        }

        void hold(TurnstileReading reading) {
            long time = reading.eventTimeMillis();
            int at = 0;
            while (at < pending.length && pending[at].eventTimeMillis() < time) {
                at++;
            }
            TurnstileReading[] grown = new TurnstileReading[pending.length + 1];
            System.arraycopy(pending, 0, grown, 0, at);
            grown[at] = reading;
            System.arraycopy(pending, at, grown, at + 1, pending.length - at);
            pending = grown;
        }

        /** Removes and returns, in time order, the readings whose commit time has come. */
        List<TurnstileReading> takeDue(long timestamp, long latenessMillis) {
            int due = 0;
            while (due < pending.length
                    && pending[due].eventTimeMillis() + latenessMillis <= timestamp) {
                due++;
            }
            List<TurnstileReading> taken = List.of(Arrays.copyOf(pending, due));
            pending = Arrays.copyOfRange(pending, due, pending.length);
            return taken;
        }

        boolean isEmpty() {
            return baseline == null && pending.length == 0;
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
        state =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("turnstile", TurnstileState.class));
        legacyPending =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "pending",
                                        Types.LONG,
                                        TypeInformation.of(TurnstileReading.class)));
        legacyBaseline =
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
        TurnstileState current = current();
        int held = current.indexOf(time);
        if (held < 0) {
            current.hold(reading);
            ctx.timerService().registerEventTimeTimer(time + latenessMillis);
            state.update(current);
            return;
        }
        duplicates.inc();
        if (reading.regular() && !current.pending[held].regular()) {
            current.pending[held] = reading;
            state.update(current);
        }
    }

    /**
     * This turnstile's state; state written by the previous layout (a pending map and a baseline)
     * is moved over on first access, so an upgrade from an older savepoint loses nothing.
     */
    private TurnstileState current() throws Exception {
        TurnstileState current = state.value();
        if (current != null) {
            return current;
        }
        current = new TurnstileState();
        current.baseline = legacyBaseline.value();
        if (current.baseline != null) {
            legacyBaseline.clear();
        }
        if (!legacyPending.isEmpty()) {
            for (TurnstileReading reading : legacyPending.values()) {
                current.hold(reading);
            }
            legacyPending.clear();
        }
        return current;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<TurnstileDelta> out)
            throws Exception {
        watermark(ctx);
        TurnstileState current = current();
        for (TurnstileReading reading : current.takeDue(timestamp, latenessMillis)) {
            commit(current, reading, ctx, out);
        }
        for (TurnstileReading reading : current.pending) {
            // Normally already registered (timers are idempotent); this also covers state
            // restored under a different allowed lateness, whose timers no longer line up.
            ctx.timerService().registerEventTimeTimer(reading.eventTimeMillis() + latenessMillis);
        }
        Baseline last = current.baseline;
        if (last != null && current.pending.length == 0 && cleanupTime(last.time) <= timestamp) {
            current.baseline = null;
        }
        if (current.isEmpty()) {
            state.clear();
        } else {
            state.update(current);
        }
    }

    private void commit(
            TurnstileState current,
            TurnstileReading reading,
            OnTimerContext ctx,
            Collector<TurnstileDelta> out) {
        long time = reading.eventTimeMillis();
        if (rules.mode() == CounterMode.INTERVAL) {
            countInterval(reading, ctx, out);
            return;
        }
        Baseline last = current.baseline;
        if (last == null) {
            newBaseline(current, reading, time, ctx);
            return;
        }
        if (time <= last.time) {
            // Only reachable when state was restored under a different allowed lateness: the
            // reading can no longer be put in order, which is exactly what "late" means.
            rejectLate(reading, watermark(ctx), ctx);
            return;
        }
        long gapMillis = time - last.time;
        if (gapMillis > maxGapMillis) {
            gaps.inc();
            ctx.output(
                    ANOMALIES,
                    anomaly(ctx, reading, last, CounterAnomaly.ENTRIES, CounterAnomaly.GAP, null));
            ctx.output(
                    ANOMALIES,
                    anomaly(ctx, reading, last, CounterAnomaly.EXITS, CounterAnomaly.GAP, null));
            newBaseline(current, reading, time, ctx);
            return;
        }
        long threshold = rules.thresholdFor(gapMillis);
        long entries = Math.abs(reading.entries - last.entries);
        long exits = Math.abs(reading.exits - last.exits);
        boolean entriesCounted = entries <= threshold;
        boolean exitsCounted = exits <= threshold;
        if (!entriesCounted) {
            anomalies.inc();
            ctx.output(
                    ANOMALIES,
                    anomaly(
                            ctx,
                            reading,
                            last,
                            CounterAnomaly.ENTRIES,
                            CounterAnomaly.ANOMALY,
                            threshold));
        }
        if (!exitsCounted) {
            anomalies.inc();
            ctx.output(
                    ANOMALIES,
                    anomaly(
                            ctx,
                            reading,
                            last,
                            CounterAnomaly.EXITS,
                            CounterAnomaly.ANOMALY,
                            threshold));
        }
        if (entriesCounted || exitsCounted) {
            emit(
                    new TurnstileDelta(
                            reading, entriesCounted ? entries : 0, exitsCounted ? exits : 0),
                    out);
        }
        newBaseline(current, reading, time, ctx);
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
            TurnstileState current, TurnstileReading reading, long time, OnTimerContext ctx) {
        Baseline previous = current.baseline;
        if (previous != null) {
            long oldCleanup = cleanupTime(previous.time);
            // The same timestamp may also be a pending reading's commit timer; keep it then.
            if (!current.isPending(oldCleanup - latenessMillis)) {
                ctx.timerService().deleteEventTimeTimer(oldCleanup);
            }
        }
        current.baseline = new Baseline(time, reading.entries, reading.exits);
        ctx.timerService().registerEventTimeTimer(cleanupTime(time));
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
