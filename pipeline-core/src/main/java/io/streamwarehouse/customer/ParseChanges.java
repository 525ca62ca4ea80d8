package io.streamwarehouse.customer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses CDC change events. An event that is not a row change of the four captured tables (a
 * heartbeat, a table added to the source later) is counted and logged, not staged: the dimension
 * cannot use it, and failing the job on it would stop every load.
 *
 * <p>Column changes of the captured tables are judged here, before anything is staged, so a change
 * the job must not run through fails it with nothing of that change written anywhere (see {@link
 * SchemaChangeBehavior}). Such a failure suppresses restarts: replaying the same change log would
 * fail the same way for ever.
 */
public final class ParseChanges extends ProcessFunction<String, CustomerChange>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ParseChanges.class);

    public static final String METRIC_READ = "customerChangesRead";
    public static final String METRIC_IGNORED = "customerChangesIgnored";

    private final SchemaChangeBehavior schemaChanges;

    private transient Counter read;
    private transient Counter ignored;

    /** Per table, its columns and types when the job first read it (under EXCEPTION only). */
    private transient Map<String, Map<String, String>> firstColumns;

    private transient ListState<String> firstColumnsState;

    /** Runs through column changes the dimension does not depend on. */
    public ParseChanges() {
        this(SchemaChangeBehavior.LENIENT);
    }

    public ParseChanges(SchemaChangeBehavior schemaChanges) {
        this.schemaChanges = schemaChanges;
    }

    @Override
    public void open(OpenContext openContext) {
        read = getRuntimeContext().getMetricGroup().counter(METRIC_READ);
        ignored = getRuntimeContext().getMetricGroup().counter(METRIC_IGNORED);
    }

    @Override
    public void processElement(String json, Context ctx, Collector<CustomerChange> out) {
        CustomerChange change;
        JsonNode event;
        try {
            event = CustomerChange.readTree(json);
            change = CustomerChange.parse(event);
        } catch (ChangeParseException e) {
            ignored.inc();
            // the event itself holds personal data (names, e-mail, addresses): never logged
            LOG.warn(
                    "ignored change event ({}), {} characters",
                    e.getMessage(),
                    json == null ? 0 : json.length());
            return;
        }
        if (change.op() != CustomerChange.Op.DELETE) {
            checkColumns(change.table(), SourceColumns.of(event, change));
        }
        out.collect(change);
        read.inc();
    }

    /**
     * Fails the job if the row image's columns no longer map onto the dimension or, under {@link
     * SchemaChangeBehavior#EXCEPTION}, differ in any way from the table's when the job first read
     * it.
     */
    void checkColumns(SourceTable table, Map<String, String> columns) {
        String problem = table.mappingProblem(columns);
        if (problem == null && schemaChanges == SchemaChangeBehavior.EXCEPTION) {
            Map<String, String> first =
                    firstColumns.computeIfAbsent(table.tableName(), t -> columns);
            String changed = SourceColumns.differences(first, columns);
            if (!changed.isEmpty()) {
                problem =
                        "source table "
                                + table.tableName()
                                + " changed its columns ("
                                + changed
                                + ") and source.schema-change-behavior is exception: undo the"
                                + " change, or set source.schema-change-behavior=lenient and"
                                + " restart from the last checkpoint";
            }
        }
        if (problem != null) {
            LOG.error("{}", problem);
            throw new SuppressRestartsException(new SourceSchemaChanged(problem));
        }
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        firstColumnsState =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>("first-source-columns", Types.STRING));
        firstColumns = new HashMap<>();
        if (context.isRestored()) {
            for (String entry : firstColumnsState.get()) {
                String[] parts = entry.split("\t", 3);
                firstColumns
                        .computeIfAbsent(parts[0], t -> new LinkedHashMap<>())
                        .put(parts[1], parts[2]);
            }
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        List<String> entries = new ArrayList<>();
        firstColumns.forEach(
                (table, columns) ->
                        columns.forEach(
                                (column, type) ->
                                        entries.add(table + "\t" + column + "\t" + type)));
        firstColumnsState.update(entries);
    }
}
