package io.streamwarehouse.turnstile;

import io.streamwarehouse.turnstile.parse.ParseResult;
import io.streamwarehouse.turnstile.parse.RecordFormat;
import io.streamwarehouse.turnstile.parse.TurnstileParser;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * A {@link CounterDeltaOperator} in Flink's keyed operator test harness, fed with MTA-format lines,
 * with the operator's metrics captured so tests can read the counters.
 */
public final class DeltaHarness implements AutoCloseable {
    public static final String TOPIC = "mta-turnstile";

    private final InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();
    private final MockEnvironment environment;
    public final KeyedOneInputStreamOperatorTestHarness<
                    TurnstileKey, TurnstileReading, TurnstileDelta>
            harness;
    private final TurnstileParser parser =
            TurnstileParser.forFormat(
                    RecordFormat.MTA_CSV,
                    TurnstileOptions.TURNSTILE_MAX_RECORD_BYTES.defaultValue());
    private long nextOffset;

    /** Enough for every test's turnstiles: nothing is written back before a checkpoint. */
    static final int MAX_HELD = 1_000;

    private long checkpointId;

    public DeltaHarness(CounterRules rules) throws Exception {
        this(rules, MAX_HELD, null);
    }

    public DeltaHarness(CounterRules rules, OperatorSubtaskState restoreFrom) throws Exception {
        this(rules, MAX_HELD, restoreFrom);
    }

    public DeltaHarness(CounterRules rules, int maxHeld, OperatorSubtaskState restoreFrom)
            throws Exception {
        environment =
                MockEnvironment.builder()
                        .setMetricGroup(
                                new UnregisteredMetricGroups.UnregisteredTaskMetricGroup() {
                                    @Override
                                    public InternalOperatorMetricGroup getOrAddOperator(
                                            OperatorID operatorID, String name) {
                                        return metrics;
                                    }
                                })
                        .build();
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new CounterDeltaOperator(rules, maxHeld),
                        new TurnstileKey.Selector(),
                        TypeInformation.of(TurnstileKey.class),
                        environment);
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
    }

    /** Parses an MTA line (real rows from the weekly files) and feeds it as the next record. */
    public TurnstileReading send(String mtaLine) throws Exception {
        TurnstileReading reading = reading(mtaLine, nextOffset++);
        send(reading);
        return reading;
    }

    public void send(TurnstileReading reading) throws Exception {
        harness.processElement(new StreamRecord<>(reading, reading.eventTimeMillis()));
    }

    public TurnstileReading reading(String mtaLine, long offset) {
        ParseResult result =
                parser.parse(TOPIC, 0, offset, mtaLine.getBytes(StandardCharsets.UTF_8));
        if (!result.isOk()) {
            throw new IllegalArgumentException("test line does not parse: " + result);
        }
        return result.reading();
    }

    public void watermark(String isoLocalTime) throws Exception {
        harness.processWatermark(TurnstileTime.toEpochMillis(LocalDateTime.parse(isoLocalTime)));
    }

    public List<TurnstileDelta> deltas() {
        return harness.extractOutputValues();
    }

    public List<CounterAnomaly> anomalies() {
        return values(harness.getSideOutput(CounterDeltaOperator.ANOMALIES));
    }

    public List<Reject> late() {
        return values(harness.getSideOutput(CounterDeltaOperator.LATE));
    }

    public long metric(String name) {
        Counter counter = (Counter) metrics.get(name);
        return counter == null ? 0 : counter.getCount();
    }

    /** What a checkpoint taken now holds: state entries after the write-back before a barrier. */
    public int stateEntries() throws Exception {
        snapshot();
        return harness.numKeyedStateEntries();
    }

    /** State entries as they are, without the write-back of a checkpoint. */
    public int stateEntriesBeforeACheckpoint() {
        return harness.numKeyedStateEntries();
    }

    public OperatorSubtaskState snapshot() throws Exception {
        checkpointId++;
        // as a task does: the write-back before the barrier, then the snapshot
        harness.prepareSnapshotPreBarrier(checkpointId);
        return harness.snapshot(checkpointId, checkpointId);
    }

    /** The watermarks the operator forwarded, in order. */
    public List<Long> forwardedWatermarks() {
        List<Long> watermarks = new ArrayList<>();
        for (Object element : harness.getOutput()) {
            if (element instanceof Watermark) {
                watermarks.add(((Watermark) element).getTimestamp());
            }
        }
        return watermarks;
    }

    private static <T> List<T> values(Iterable<StreamRecord<T>> records) {
        List<T> values = new ArrayList<>();
        if (records != null) {
            records.forEach(record -> values.add(record.getValue()));
        }
        return values;
    }

    @Override
    public void close() throws Exception {
        harness.close();
        environment.close();
    }
}
