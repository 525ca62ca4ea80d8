package io.streamwarehouse.warehouse;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple6;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The exactly-once warehouse writer (a write-ahead sink). Rows are buffered until a checkpoint is
 * taken; the buffer then becomes a {@link Load} held in checkpointed state, and only when the
 * checkpoint completes is it written, in one transaction with its audit row. A failure before that
 * replays the rows from the sources; a failure after it finds the audit row and skips the load; a
 * restore commits the loads its checkpoint still held, since their checkpoint did complete. So each
 * row reaches PostgreSQL once, and each audit row exists once.
 *
 * <p>Rows become visible one checkpoint interval after they arrive. Requires checkpointing.
 */
public final class CommitOnCheckpoint<T> extends ProcessFunction<T, Void>
        implements CheckpointedFunction, CheckpointListener {
    private static final long serialVersionUID = 1L;

    private final TableWriter<T> writer;
    private final WarehouseConnection warehouse;
    private final TypeInformation<T> rowType;

    private transient List<T> buffer;
    private transient long bufferStartedAt;
    private transient List<Load<T>> pending;
    private transient ListState<Tuple6<String, String, Long, Integer, Long, List<T>>> state;
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

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        state =
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
        pending = new ArrayList<>();
        if (context.isRestored()) {
            for (Tuple6<String, String, Long, Integer, Long, List<T>> t : state.get()) {
                pending.add(new Load<>(t.f0, t.f1, t.f2, t.f3, t.f4, t.f5));
            }
        }
        buffer = new ArrayList<>();
        if (writer instanceof SnapshotEpoch.Stamped stamped) {
            // union state: after a rescale every subtask still finds the lifetime's epoch
            epochState =
                    context.getOperatorStateStore()
                            .getUnionListState(
                                    new ListStateDescriptor<>("snapshot-epoch", Types.LONG));
            stamped.continueEpoch(
                    SnapshotEpoch.kept(
                            context.isRestored() ? epochState.get() : List.of(),
                            stamped.snapshotEpoch()));
        }
    }

    @Override
    public void open(Configuration parameters) throws Exception {
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
    public void processElement(T row, Context ctx, Collector<Void> out) {
        if (buffer.isEmpty()) {
            bufferStartedAt = System.currentTimeMillis();
        }
        buffer.add(row);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        if (!buffer.isEmpty()) {
            var job = getRuntimeContext().getJobInfo();
            pending.add(
                    new Load<>(
                            job.getJobName(),
                            job.getJobId().toHexString(),
                            context.getCheckpointId(),
                            getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                            bufferStartedAt,
                            buffer));
            buffer = new ArrayList<>();
        }
        List<Tuple6<String, String, Long, Integer, Long, List<T>>> snapshot = new ArrayList<>();
        for (Load<T> load : pending) {
            snapshot.add(
                    Tuple6.of(
                            load.jobName,
                            load.jobId,
                            load.checkpointId,
                            load.subtask,
                            load.startedAtMillis,
                            load.rows));
        }
        state.update(snapshot);
        if (writer instanceof SnapshotEpoch.Stamped stamped) {
            epochState.update(List.of(stamped.snapshotEpoch()));
        }
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        commitUpTo(checkpointId);
    }

    private void commitUpTo(long checkpointId) {
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
        }
    }

    @Override
    public void close() throws Exception {
        if (committer != null) {
            committer.close();
        }
    }
}
