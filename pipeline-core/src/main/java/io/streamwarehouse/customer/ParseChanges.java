package io.streamwarehouse.customer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses CDC change events. An event the job cannot apply (not a row change of the four captured
 * tables, a key or a value that does not fit the dimension's columns, a source position the version
 * cannot hold) goes to the {@link #REJECTS} side output, bound for {@code audit.source_rejects},
 * and is counted: failing the job on it would stop every load, and dropping it with a log line
 * would leave nothing in the warehouse to say so.
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

    /** Events the job cannot apply, for {@code audit.source_rejects}. */
    public static final OutputTag<SourceReject> REJECTS =
            new OutputTag<>("source-rejects", TypeInformation.of(SourceReject.class));

    private final SchemaChangeBehavior schemaChanges;
    private final EmailPolicy email;

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
        this(schemaChanges, EmailPolicy.plain());
    }

    /**
     * @param email applied to the row images of a rejected event before it is kept
     */
    public ParseChanges(SchemaChangeBehavior schemaChanges, EmailPolicy email) {
        this.schemaChanges = schemaChanges;
        this.email = email;
    }

    @Override
    public void open(OpenContext openContext) {
        read = getRuntimeContext().getMetricGroup().counter(METRIC_READ);
        ignored = getRuntimeContext().getMetricGroup().counter(METRIC_IGNORED);
    }

    @Override
    public void processElement(String json, Context ctx, Collector<CustomerChange> out) {
        CustomerChange change;
        JsonNode event = null;
        try {
            event = CustomerChange.readTree(json);
            change = CustomerChange.parse(event);
            valuesFitTheDimension(change);
        } catch (ChangeParseException e) {
            ignored.inc();
            // the event itself holds personal data (names, e-mail, addresses): never logged
            LOG.warn(
                    "change event rejected ({}), {} characters, kept in audit.source_rejects",
                    e.getMessage(),
                    json == null ? 0 : json.length());
            ctx.output(REJECTS, rejectOf(json, event, e.getMessage()));
            return;
        }
        if (change.op() != CustomerChange.Op.DELETE) {
            checkColumns(change.table(), SourceColumns.of(event, change));
        }
        out.collect(change);
        read.inc();
    }

    /**
     * Every tracked value of the change converts to its dimension column: a column widened at the
     * source (an INTEGER made BIGINT) holding a value past what the column holds is this event's
     * problem, refused here, not a failure the job would restart into for ever downstream.
     */
    static void valuesFitTheDimension(CustomerChange change) {
        for (Map<String, Object> image : Arrays.asList(change.before(), change.after())) {
            if (image != null) {
                change.table()
                        .image(image, RowKind.INSERT, change.sourceVersion(), null, false, null);
            }
        }
    }

    /**
     * What can be read of an event that cannot be parsed whole, its row images under the policy.
     */
    SourceReject rejectOf(String json, JsonNode event, String reason) {
        if (event == null || !event.isObject()) {
            return new SourceReject(null, null, null, reason, null, json);
        }
        JsonNode root = event.has("payload") && event.has("schema") ? event.get("payload") : event;
        JsonNode source = root.path("source");
        String table = source.hasNonNull("table") ? source.get("table").asText() : null;
        String position = null;
        if (source.hasNonNull("file")) {
            position = source.get("file").asText() + ":" + source.path("pos").asText();
        } else if (source.hasNonNull("lsn")) {
            position = "lsn:" + source.get("lsn").asText();
        }
        String key = null;
        SourceTable captured = table == null ? null : SourceTable.ofName(table);
        for (String image : new String[] {"before", "after"}) {
            JsonNode row = root.get(image);
            if (row instanceof ObjectNode object) {
                if (captured != null && object.hasNonNull(captured.primaryKeyColumn())) {
                    key = object.get(captured.primaryKeyColumn()).asText();
                }
                if (object.path("email").isTextual()) {
                    object.put("email", email.apply(object.get("email").asText()));
                }
            }
        }
        return new SourceReject(table, key, position, reason, event.toString(), json);
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
