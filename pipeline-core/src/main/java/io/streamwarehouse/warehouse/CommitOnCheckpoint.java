package io.streamwarehouse.warehouse;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.tuple.Tuple6;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.CheckpointStateOutputStream;
import org.apache.flink.runtime.state.CheckpointStorageWorkerView;
import org.apache.flink.runtime.state.JavaSerializer;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.StreamStateHandle;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exactly-once warehouse writer (a write-ahead sink). Rows are written, as they arrive, into a
 * stream in the job's checkpoint storage; when a checkpoint is taken that stream becomes a {@link
 * Load} held in checkpointed state, and only when the checkpoint completes is it written, in one
 * transaction with its audit row. A failure before that replays the rows from the sources; a
 * failure after it finds the audit row and skips the load; a restore commits the loads its
 * checkpoint still held, since their checkpoint did complete. So each row reaches PostgreSQL once,
 * and each audit row exists once.
 *
 * <p>What waits for its checkpoint is in checkpoint storage, not on the heap, as in Flink's own
 * {@code GenericWriteAheadSink}: a backlog of millions of rows per checkpoint interval needs no
 * more task heap than a trickle. A load's stream is deleted once the load is committed; the stream
 * of a run that failed before its checkpoint completed stays behind in the storage's {@code
 * taskowned} directory, as Flink's own write-ahead sink leaves it.
 *
 * <p>Rows become visible one checkpoint interval after they arrive. Requires checkpointing.
 */
public final class CommitOnCheckpoint<T> extends AbstractStreamOperator<Void>
        implements OneInputStreamOperator<T, Void> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(CommitOnCheckpoint.class);

    private final TableWriter<T> writer;
    private final WarehouseConnection warehouse;
    private final TypeInformation<T> rowType;

    private transient TypeSerializer<T> serializer;
    private transient CheckpointStorageWorkerView storage;
    private transient CheckpointStateOutputStream out;
    private transient DataOutputViewStreamWrapper view;
    private transient int rowsInStream;
    private transient long streamStartedAt;
    private transient List<Load<T>> pending;
    private transient ListState<SpilledLoad> state;
    private transient ListState<Long> epochState;
    private transient LoadCommitter<T> committer;
    private transient Counter inserted;
    private transient Counter updated;
    private transient Counter deleted;
    private transient Counter skipped;
    private transient Counter loads;
    private transient Counter deadLettered;

    public CommitOnCheckpoint(
            TableWriter<T> writer, WarehouseConnection warehouse, TypeInformation<T> rowType) {
        this.writer = writer;
        this.warehouse = warehouse;
        this.rowType = rowType;
    }

    /** A load in checkpointed state: its identity, and where its rows are. */
    static final class SpilledLoad implements Serializable {
        private static final long serialVersionUID = 1L;

        final String jobName;
        final String jobId;
        final long checkpointId;
        final int subtask;
        final long startedAtMillis;
        final int rows;
        final StreamStateHandle handle;

        SpilledLoad(Load<?> load, StreamStateHandle handle) {
            this.jobName = load.jobName;
            this.jobId = load.jobId;
            this.checkpointId = load.checkpointId;
            this.subtask = load.subtask;
            this.startedAtMillis = load.startedAtMillis;
            this.rows = load.rows.size();
            this.handle = handle;
        }
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        serializer = rowType.createSerializer(getExecutionConfig().getSerializerConfig());
        state =
                context.getOperatorStateStore()
                        .getListState(
                                new ListStateDescriptor<>("spilled-loads", new JavaSerializer<>()));
        pending = new ArrayList<>();
        if (context.isRestored()) {
            for (SpilledLoad s : state.get()) {
                pending.add(
                        new Load<>(
                                s.jobName,
                                s.jobId,
                                s.checkpointId,
                                s.subtask,
                                s.startedAtMillis,
                                new SpilledRows<>(s.handle, s.rows, serializer.duplicate())));
            }
            restoreHeapLoads(context);
        }
        if (writer instanceof SnapshotEpoch.Stamped stamped) {
            // union state: after a rescale every subtask still finds the lifetime's epoch
            epochState =
                    context.getOperatorStateStore()
                            .getUnionListState(
                                    new ListStateDescriptor<>("snapshot-epoch", Types.LONG));
            SnapshotEpoch.Current epoch = stamped.epoch();
            epoch.continueWith(
                    SnapshotEpoch.kept(
                            context.isRestored() ? epochState.get() : List.of(), epoch.value()));
        }
    }

    /** Loads of checkpoints taken before rows went to checkpoint storage: they were on the heap. */
    private void restoreHeapLoads(StateInitializationContext context) throws Exception {
        ListState<Tuple6<String, String, Long, Integer, Long, List<T>>> heapLoads =
                context.getOperatorStateStore()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "pending-loads",
                                        Types.TUPLE(
                                                Types.STRING,
                                                Types.STRING,
                                                Types.LONG,
                                                Types.INT,
                                                Types.LONG,
                                                Types.LIST(rowType))));
        for (Tuple6<String, String, Long, Integer, Long, List<T>> t : heapLoads.get()) {
            pending.add(new Load<>(t.f0, t.f1, t.f2, t.f3, t.f4, t.f5));
        }
        heapLoads.clear();
    }

    @Override
    public void open() throws Exception {
        super.open();
        storage = getContainingTask().getCheckpointStorage();
        var metrics = getRuntimeContext().getMetricGroup().addGroup("warehouse");
        inserted = metrics.counter("rowsInserted");
        updated = metrics.counter("rowsUpdated");
        deleted = metrics.counter("rowsDeleted");
        skipped = metrics.counter("rowsSkipped");
        loads = metrics.counter("loadsCommitted");
        deadLettered = metrics.counter("rowsDeadLettered");
        Counter retries = metrics.counter("writeRetries");
        committer = new LoadCommitter<>(warehouse, writer, retries::inc);
        // Loads restored from state belong to the checkpoint we restored from, which completed;
        // its completion notice may never have been delivered, so commit them now.
        commitUpTo(Long.MAX_VALUE);
    }

    @Override
    public void processElement(StreamRecord<T> element) throws Exception {
        if (out == null) {
            out = storage.createTaskOwnedStateStream();
            view = new DataOutputViewStreamWrapper(out);
            rowsInStream = 0;
            streamStartedAt = System.currentTimeMillis();
        }
        serializer.serialize(element.getValue(), view);
        rowsInStream++;
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        if (out != null) {
            StreamStateHandle handle = out.closeAndGetHandle();
            var job = getRuntimeContext().getJobInfo();
            pending.add(
                    new Load<>(
                            job.getJobName(),
                            job.getJobId().toHexString(),
                            context.getCheckpointId(),
                            getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                            streamStartedAt,
                            new SpilledRows<>(handle, rowsInStream, serializer.duplicate())));
            out = null;
            view = null;
        }
        List<SpilledLoad> snapshot = new ArrayList<>();
        for (Load<T> load : pending) {
            // a restored heap load was committed in open(), before any snapshot
            snapshot.add(new SpilledLoad(load, ((SpilledRows<T>) load.rows).handle()));
        }
        state.update(snapshot);
        if (writer instanceof SnapshotEpoch.Stamped stamped) {
            epochState.update(List.of(stamped.epoch().value()));
        }
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        commitUpTo(checkpointId);
    }

    private void commitUpTo(long checkpointId) throws Exception {
        Iterator<Load<T>> it = pending.iterator();
        while (it.hasNext()) {
            Load<T> load = it.next();
            if (load.checkpointId > checkpointId) {
                continue;
            }
            Map<RowOutcome, Long> counts = committer.commit(load);
            inserted.inc(counts.getOrDefault(RowOutcome.INSERTED, 0L));
            updated.inc(counts.getOrDefault(RowOutcome.UPDATED, 0L));
            deleted.inc(counts.getOrDefault(RowOutcome.DELETED, 0L));
            skipped.inc(counts.getOrDefault(RowOutcome.SKIPPED, 0L));
            deadLettered.inc(counts.getOrDefault(RowOutcome.DEAD_LETTERED, 0L));
            if (!counts.isEmpty()) {
                loads.inc();
            }
            it.remove();
            discard(load);
        }
    }

    private static void discard(Load<?> load) {
        if (load.rows instanceof SpilledRows<?> spilled) {
            try {
                spilled.close();
                spilled.handle().discardState();
            } catch (Exception e) {
                // the load is committed; a stream left behind only takes space
                LOG.warn("could not delete the committed {} from checkpoint storage", load, e);
            }
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (out != null) {
                out.close();
            }
            if (committer != null) {
                committer.close();
            }
        } finally {
            super.close();
        }
    }
}
