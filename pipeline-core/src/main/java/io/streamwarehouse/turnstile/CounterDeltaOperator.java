package io.streamwarehouse.turnstile;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Deduplicates, orders and differences the readings of each turnstile (keyed by {@link
 * TurnstileKey}, event time = reading time, see {@link TurnstileTime}) by the rules of {@link
 * CounterDeltas}; this operator owns only the buffering and the state.
 *
 * <p>Why a bundle and not a function with a timer per reading: that design went to RocksDB about
 * fourteen times per reading (a pending entry written, read back and deleted, a timer registered
 * and fired, the baseline read and written), and the tombstones of all that churn kept compaction
 * busy. Here each turnstile is one {@link TurnstileCounter} value. A turnstile seen since the last
 * write-back is held on the heap, so a reading newer than all it holds is appended without a state
 * access or a timer. On each watermark the turnstiles that are due are taken from a heap ordered by
 * each one's earliest pending commit time, and their due readings committed in reading-time order.
 * Before every checkpoint barrier, at end of input and whenever more than {@code maxHeld}
 * turnstiles are held, the changed ones are written back, one put each, so a checkpoint holds
 * everything and exactly-once holds. The only timers are one per turnstile for the baseline
 * retention, re-armed when they fire (about once a retention period), not moved per reading.
 *
 * <p>Deltas are emitted {@code allowed-lateness} behind the watermark, so the watermark is
 * forwarded that far behind too: no delta is ever behind the watermark its windows see.
 *
 * <p>The watermark that decides lateness survives a restore: Flink starts a restored job's
 * watermarks from nothing, so a reading behind the old watermark would be taken in and differenced
 * against a baseline already moved past it, into a window already written. The highest watermark
 * seen is kept in operator state and acts as a floor after a restore, so a restored job rejects
 * exactly what an uninterrupted one rejects.
 */
public final class CounterDeltaOperator extends AbstractStreamOperator<TurnstileDelta>
        implements OneInputStreamOperator<TurnstileReading, TurnstileDelta>,
                Triggerable<TurnstileKey, VoidNamespace>,
                CounterDeltas.Out {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<CounterAnomaly> ANOMALIES =
            new OutputTag<>(
                    "turnstile-counter-anomalies", TypeInformation.of(CounterAnomaly.class));

    public static final OutputTag<Reject> LATE =
            new OutputTag<>("turnstile-late-readings", TypeInformation.of(Reject.class));

    static final String STATE_NAME = "turnstile-counter";

    private final CounterDeltas rules;
    private final int maxHeld;
    private final long latenessMillis;

    private transient ValueState<TurnstileCounter> state;
    private transient InternalTimerService<VoidNamespace> retention;

    /** The heap buffer: turnstiles seen since the last eviction, changed ones marked dirty. */
    private transient Map<TurnstileKey, TurnstileCounter> held;

    /** Each turnstile with pending readings, by its earliest commit time; stale entries skipped. */
    private transient PriorityQueue<Due> due;

    /** The highest watermark seen, checkpointed: the floor of the watermark after a restore. */
    private transient ListState<Long> watermarkState;

    private transient long watermarkFloor;
    private transient long inputWatermark;
    private transient boolean restored;

    private record Due(long time, TurnstileKey key) {}

    public CounterDeltaOperator(CounterRules rules, int maxHeld) {
        if (maxHeld < 1) {
            throw new IllegalArgumentException("at least one turnstile must be held: " + maxHeld);
        }
        this.rules = new CounterDeltas(rules);
        this.maxHeld = maxHeld;
        this.latenessMillis = rules.allowedLateness().toMillis();
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        watermarkState =
                context.getOperatorStateStore()
                        .getUnionListState(new ListStateDescriptor<>("watermark", Types.LONG));
        watermarkFloor = Long.MIN_VALUE;
        restored = context.isRestored();
        if (restored) {
            // Union state: every subtask sees every subtask's watermark. The lowest is the one
            // that all of them had passed, whatever the new parallelism.
            long lowest = Long.MAX_VALUE;
            for (Long watermark : watermarkState.get()) {
                lowest = Math.min(lowest, watermark);
            }
            watermarkFloor = lowest == Long.MAX_VALUE ? Long.MIN_VALUE : lowest;
        }
        inputWatermark = watermarkFloor;
    }

    @Override
    public void open() throws Exception {
        super.open();
        state =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        STATE_NAME, TypeInformation.of(TurnstileCounter.class)));
        retention =
                getInternalTimerService(
                        "turnstile-retention", VoidNamespaceSerializer.INSTANCE, this);
        held = new HashMap<>();
        due = new PriorityQueue<>((a, b) -> Long.compare(a.time, b.time));
        rules.open(getMetricGroup());
        if (restored) {
            queueRestoredPending();
        }
    }

    /** The due heap is not state: after a restore it is rebuilt from the turnstiles in state. */
    private void queueRestoredPending() throws Exception {
        List<TurnstileKey> keys;
        try (Stream<TurnstileKey> stored =
                this.<TurnstileKey>getKeyedStateBackend()
                        .getKeys(STATE_NAME, VoidNamespace.INSTANCE)) {
            keys = stored.collect(Collectors.toList());
        }
        for (TurnstileKey key : keys) {
            setCurrentKey(key);
            TurnstileCounter counter = state.value();
            if (counter != null && !counter.pending.isEmpty()) {
                queue(key, counter);
            }
        }
    }

    @Override
    public void processElement(StreamRecord<TurnstileReading> element) throws Exception {
        TurnstileReading reading = element.getValue();
        if (rules.rejectLate(reading, watermark(), this)) {
            return;
        }
        TurnstileKey key = (TurnstileKey) getCurrentKey();
        TurnstileCounter counter = hold(key);
        long earliest = counter.earliestPending();
        rules.holdInOrder(counter, reading);
        if (counter.earliestPending() < earliest) {
            queue(key, counter);
        }
        if (held.size() > maxHeld) {
            writeBack(true);
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        inputWatermark = Math.max(inputWatermark, mark.getTimestamp());
        long watermark = watermark();
        commitDue(watermark);
        if (timeServiceManager != null) {
            timeServiceManager.advanceWatermark(mark);
        }
        // End of input must stay the maximum so bounded runs still fire every window.
        if (watermark == Long.MAX_VALUE || latenessMillis == 0) {
            output.emitWatermark(new Watermark(watermark));
        } else if (watermark >= Long.MIN_VALUE + latenessMillis) {
            output.emitWatermark(new Watermark(watermark - latenessMillis));
        }
    }

    /**
     * Commits every reading the watermark has passed, oldest first across all turnstiles, as a
     * timer per reading would; a turnstile whose next reading is still the oldest due goes on
     * without a trip through the heap.
     */
    private void commitDue(long watermark) throws Exception {
        while (!due.isEmpty() && due.peek().time <= watermark) {
            Due next = due.poll();
            TurnstileCounter counter = hold(next.key);
            if (counter.pending.isEmpty()
                    || rules.commitTime(counter.earliestPending()) != next.time) {
                continue; // queued again since, or committed already
            }
            long commitTime = next.time;
            do {
                commitOne(next.key, counter, watermark);
                commitTime = rules.commitTime(counter.earliestPending());
            } while (!counter.pending.isEmpty()
                    && commitTime <= watermark
                    && (due.isEmpty() || commitTime <= due.peek().time));
            if (!counter.pending.isEmpty()) {
                queue(next.key, counter);
            }
        }
    }

    private void commitOne(TurnstileKey key, TurnstileCounter counter, long watermark) {
        boolean hadBaseline = counter.baseline != null;
        rules.commitOldest(key, counter, watermark, this);
        if (!hadBaseline && counter.baseline != null) {
            setCurrentKey(key);
            retention.registerEventTimeTimer(
                    VoidNamespace.INSTANCE, rules.cleanupTime(counter.baseline.time));
        }
    }

    /**
     * The retention timer of a turnstile: it goes if nothing newer came within the retention,
     * otherwise the timer is armed again for its newest reading.
     */
    @Override
    public void onEventTime(InternalTimer<TurnstileKey, VoidNamespace> timer) throws Exception {
        TurnstileKey key = timer.getKey();
        TurnstileCounter counter = hold(key);
        if (rules.retentionPassed(counter, timer.getTimestamp())) {
            held.remove(key);
            state.clear();
        } else {
            retention.registerEventTimeTimer(
                    VoidNamespace.INSTANCE, rules.cleanupTime(counter.newestTime()));
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<TurnstileKey, VoidNamespace> timer) {}

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        writeBack(false);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        watermarkState.update(List.of(watermark()));
    }

    @Override
    public void finish() throws Exception {
        writeBack(true);
        super.finish();
    }

    /** The turnstile's counter: from the heap, else from state (one read), else a new one. */
    private TurnstileCounter hold(TurnstileKey key) throws Exception {
        TurnstileCounter counter = held.get(key);
        if (counter == null) {
            setCurrentKey(key);
            counter = state.value();
            if (counter == null) {
                counter = new TurnstileCounter();
            }
            held.put(key, counter);
        }
        return counter;
    }

    private void queue(TurnstileKey key, TurnstileCounter counter) {
        due.add(new Due(rules.commitTime(counter.earliestPending()), key));
    }

    /** One put (or delete) per changed turnstile; {@code evict} also empties the heap buffer. */
    private void writeBack(boolean evict) throws Exception {
        for (Iterator<Map.Entry<TurnstileKey, TurnstileCounter>> it = held.entrySet().iterator();
                it.hasNext(); ) {
            Map.Entry<TurnstileKey, TurnstileCounter> entry = it.next();
            TurnstileCounter counter = entry.getValue();
            if (counter.dirty) {
                setCurrentKey(entry.getKey());
                if (counter.isEmpty()) {
                    state.clear();
                } else {
                    state.update(counter);
                }
                counter.dirty = false;
            }
            if (evict || counter.isEmpty()) {
                it.remove();
            }
        }
    }

    /** The current watermark, never below the one restored from the checkpoint. */
    private long watermark() {
        return Math.max(watermarkFloor, inputWatermark);
    }

    @Override
    public void delta(TurnstileDelta delta) {
        output.collect(new StreamRecord<>(delta, TurnstileTime.toEpochMillis(delta.deltaTime)));
    }

    @Override
    public void anomaly(CounterAnomaly anomaly) {
        output.collect(ANOMALIES, new StreamRecord<>(anomaly));
    }

    @Override
    public void late(Reject reject) {
        output.collect(LATE, new StreamRecord<>(reject));
    }

    /** Turnstiles held on the heap now; for tests of the bound. */
    int heldTurnstiles() {
        return held.size();
    }
}
