package io.streamwarehouse.customer;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;

/**
 * Turns the change events of one source table into a clean Flink changelog of its tracked columns,
 * keyed by {@link CustomerChange#key()} (table and primary key).
 *
 * <ul>
 *   <li>Duplicates and replays are collapsed: a change whose {@code sourceVersion} is not newer
 *       than the last one applied to the row is dropped. This is what makes a source that re-reads
 *       part of its log after a failover harmless.
 *   <li>No-ops are dropped: a change after which the tracked columns equal the last emitted row
 *       (only {@code last_update} moved, or an UPDATE that set the same values) emits nothing.
 *   <li>Updates are emitted as UPDATE_BEFORE (the exact row emitted last) + UPDATE_AFTER, so the
 *       downstream changelog join retracts the old joined row, found by the old join key.
 *   <li>A customer DELETE becomes an update of the last row with {@code is_deleted = true} and
 *       {@code deleted_at} = the delete's source time (soft delete: the dimension keeps the
 *       customer). An address, city or country DELETE is a real DELETE; the key's version is
 *       remembered so an older replayed insert cannot bring the row back.
 * </ul>
 *
 * <p>State per key (last emitted row, last applied version, cleanup deadline) is kept for {@code
 * retention} of processing time after the key's last change, then removed by a timer. Timers are
 * used instead of {@code StateTtlConfig} because they remove the entries exactly on time with any
 * state backend (TTL removes them lazily: on access, by heap scans or RocksDB compaction). Losing
 * the state of a quiet key is safe: the next change carries its own before-image (the source check
 * insists on binlog_row_image=FULL / REPLICA IDENTITY FULL) and the warehouse upsert is itself
 * guarded by the source version.
 */
public class ChangeNormalizer extends KeyedProcessFunction<String, CustomerChange, Row>
        implements ResultTypeQueryable<Row> {

    private static final long serialVersionUID = 1L;

    private final SourceTable table;
    private final long retentionMillis;

    private transient ValueState<Row> lastRow;
    private transient ValueState<Long> lastVersion;
    private transient ValueState<Long> cleanupAt;

    private transient Counter changesRead;
    private transient Counter noOpsDropped;
    private transient Counter staleDropped;
    private transient Counter rowsEmitted;
    private transient Counter deletes;

    /**
     * @param table the table whose changes this instance receives (one instance per table, so each
     *     has its own output type)
     * @param retention how long a key's state is kept after its last change; zero or negative keeps
     *     it forever
     */
    public ChangeNormalizer(SourceTable table, Duration retention) {
        this.table = Objects.requireNonNull(table, "table");
        this.retentionMillis = retention == null ? 0L : Math.max(0L, retention.toMillis());
    }

    public SourceTable table() {
        return table;
    }

    @Override
    public TypeInformation<Row> getProducedType() {
        return table.rowType();
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        RowTypeInfo rowType = table.rowType();
        lastRow = getRuntimeContext().getState(new ValueStateDescriptor<>("last-row", rowType));
        lastVersion =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("last-version", Types.LONG));
        cleanupAt =
                getRuntimeContext().getState(new ValueStateDescriptor<>("cleanup-at", Types.LONG));
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        changesRead = metrics.counter("changesRead", new SimpleCounter());
        noOpsDropped = metrics.counter("noOpsDropped", new SimpleCounter());
        staleDropped = metrics.counter("staleChangesDropped", new SimpleCounter());
        rowsEmitted = metrics.counter("rowsEmitted", new SimpleCounter());
        deletes = metrics.counter("deletes", new SimpleCounter());
    }

    @Override
    public void processElement(CustomerChange change, Context ctx, Collector<Row> out)
            throws Exception {
        if (change.table() != table) {
            throw new IllegalArgumentException(
                    "normalizer for "
                            + table.tableName()
                            + " received a "
                            + change.table().tableName()
                            + " change: the topology routes tables wrongly");
        }
        changesRead.inc();
        scheduleCleanup(ctx);

        Long applied = lastVersion.value();
        if (applied != null && change.sourceVersion() <= applied) {
            staleDropped.inc();
            return;
        }
        lastVersion.update(change.sourceVersion());

        Row previous = lastRow.value();
        long version = change.sourceVersion();
        Instant ts = change.sourceTimestamp();

        if (change.op() == CustomerChange.Op.DELETE) {
            handleDelete(change, previous, version, ts, out);
            return;
        }

        Row next = table.image(change.after(), RowKind.UPDATE_AFTER, version, ts, false, null);
        Row basis = previous;
        if (basis == null
                && change.op() == CustomerChange.Op.UPDATE
                && change.beforeJson() != null) {
            // State expired (or never existed): the change's own before-image stands in for it.
            basis = table.image(change.before(), RowKind.UPDATE_BEFORE, version, ts, false, null);
        }
        if (basis != null && table.sameContent(basis, next)) {
            noOpsDropped.inc();
            return;
        }
        if (basis == null) {
            emit(out, table.withKind(next, RowKind.INSERT));
        } else {
            emit(out, table.withKind(basis, RowKind.UPDATE_BEFORE));
            emit(out, next);
        }
        lastRow.update(table.withKind(next, RowKind.INSERT));
    }

    private void handleDelete(
            CustomerChange change, Row previous, long version, Instant ts, Collector<Row> out)
            throws Exception {
        Map<String, Object> beforeImage = change.before();
        Row basis =
                previous != null
                        ? previous
                        : table.image(beforeImage, RowKind.INSERT, version, ts, false, null);
        if (table.softDeletes()) {
            if (table.isDeleted(basis)) {
                noOpsDropped.inc();
                return;
            }
            Row deleted = table.markDeleted(basis, RowKind.UPDATE_AFTER, version, ts);
            emit(out, table.withKind(basis, RowKind.UPDATE_BEFORE));
            emit(out, deleted);
            deletes.inc();
            lastRow.update(table.withKind(deleted, RowKind.INSERT));
        } else {
            emit(out, table.withKind(basis, RowKind.DELETE));
            deletes.inc();
            lastRow.clear();
        }
    }

    private void emit(Collector<Row> out, Row row) {
        rowsEmitted.inc();
        out.collect(row);
    }

    private void scheduleCleanup(Context ctx) throws Exception {
        if (retentionMillis <= 0) {
            return;
        }
        Long old = cleanupAt.value();
        long deadline = ctx.timerService().currentProcessingTime() + retentionMillis;
        if (old != null) {
            ctx.timerService().deleteProcessingTimeTimer(old);
        }
        ctx.timerService().registerProcessingTimeTimer(deadline);
        cleanupAt.update(deadline);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Row> out) throws Exception {
        Long deadline = cleanupAt.value();
        if (deadline != null && deadline == timestamp) {
            lastRow.clear();
            lastVersion.clear();
            cleanupAt.clear();
        }
    }

    long changesRead() {
        return changesRead.getCount();
    }

    long noOpsDropped() {
        return noOpsDropped.getCount();
    }

    long staleChangesDropped() {
        return staleDropped.getCount();
    }

    long rowsEmitted() {
        return rowsEmitted.getCount();
    }

    long deletes() {
        return deletes.getCount();
    }
}
