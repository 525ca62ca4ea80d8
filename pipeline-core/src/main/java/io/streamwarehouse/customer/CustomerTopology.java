package io.streamwarehouse.customer;

import static io.streamwarehouse.config.OperatorIds.CUSTOMER_DIMENSION_ROWS;
import static io.streamwarehouse.config.OperatorIds.CUSTOMER_LATEST_COMBINATION;
import static io.streamwarehouse.config.OperatorIds.CUSTOMER_NORMALIZE;
import static io.streamwarehouse.config.OperatorIds.CUSTOMER_PARSE;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.config.PlannerUids;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;

/**
 * The customer job's logic between its CDC source and its sinks: parse, per-row normalization
 * (replays and no-ops dropped, customer deletes made soft), then the changelog join into one
 * dimension row per customer. Source and sinks are injected so tests can drive it.
 */
public final class CustomerTopology {
    private CustomerTopology() {}

    /**
     * What the job writes: every change (staging), the dimension's upserts, and the events it
     * cannot apply (source rejects).
     */
    public record Outputs(
            DataStream<CustomerChange> changes,
            DataStream<Row> dimension,
            DataStream<SourceReject> rejects) {}

    public static Outputs build(
            StreamTableEnvironment tableEnv, DataStream<String> cdcEvents, PipelineConfig config) {
        SingleOutputStreamOperator<CustomerChange> changes =
                cdcEvents
                        .process(
                                new ParseChanges(
                                        config.get(CustomerOptions.SOURCE_SCHEMA_CHANGE_BEHAVIOR),
                                        emailPolicy(config)))
                        .uid(CUSTOMER_PARSE.uid)
                        .name(CUSTOMER_PARSE.displayName)
                        // beside the one source reader: the log's order, and one judge of its
                        // column changes
                        .setParallelism(cdcEvents.getParallelism());

        Duration retention = config.get(CustomerOptions.CUSTOMER_STATE_TTL);
        Map<SourceTable, Table> tables = new EnumMap<>(SourceTable.class);
        for (SourceTable table : SourceTable.values()) {
            DataStream<Row> normalized =
                    changes.filter(change -> change.table() == table)
                            .uid(CUSTOMER_NORMALIZE.uid + "-filter-" + table.tableName())
                            // short: part of the source chain's name (see OperatorIds)
                            .name(table.tableName())
                            // in the source's chain: a row's changes must reach its normalizer
                            // through one channel, in log order; a filter of another parallelism
                            // would deal them round-robin to two channels, and a later change
                            // overtaking an earlier one drops the earlier as a replay
                            .setParallelism(changes.getParallelism())
                            .keyBy(CustomerChange.keySelector())
                            .process(new ChangeNormalizer(table, retention), table.rowType())
                            .uid(CUSTOMER_NORMALIZE.uid + "-" + table.tableName())
                            .name(CUSTOMER_NORMALIZE.displayName + ": " + table.tableName());
            tables.put(table, table.toTable(tableEnv, normalized));
        }
        EmailPolicy email = emailPolicy(config);
        Table dimension =
                CustomerDimension.join(
                        tables.get(SourceTable.CUSTOMER),
                        tables.get(SourceTable.ADDRESS),
                        tables.get(SourceTable.CITY),
                        tables.get(SourceTable.COUNTRY),
                        email);
        // Upsert conversion puts the planner's materializer (keyed by customer_id) behind the
        // joins: with parallelism > 1 a customer's messages arrive by different paths and a
        // null-padded left-join row can overtake the real one; the materializer resolves that.
        // Customers are never deleted (deletes are soft), so a DELETE here is only transient.
        DataStream<Row> changelog = CustomerDimension.toUpsertStream(tableEnv, dimension);
        // the joins' state must map onto the same operators after a restore in any JVM
        PlannerUids.pin(changelog.getTransformation(), CUSTOMER_DIMENSION_ROWS.uid);
        DataStream<Row> upserts =
                changelog
                        .filter(
                                row ->
                                        row.getKind() == RowKind.INSERT
                                                || row.getKind() == RowKind.UPDATE_AFTER)
                        .uid(CUSTOMER_DIMENSION_ROWS.uid)
                        .name(CUSTOMER_DIMENSION_ROWS.displayName)
                        .keyBy(row -> (Integer) row.getField("customer_id"))
                        .process(new LatestCombination(), changelog.getType())
                        .uid(CUSTOMER_LATEST_COMBINATION.uid)
                        .name(CUSTOMER_LATEST_COMBINATION.displayName);
        return new Outputs(changes, upserts, changes.getSideOutput(ParseChanges.REJECTS));
    }

    public static EmailPolicy emailPolicy(PipelineConfig config) {
        return EmailPolicy.of(
                config.get(CustomerOptions.CUSTOMER_EMAIL_MODE),
                config.get(CustomerOptions.CUSTOMER_EMAIL_HASH_KEY));
    }
}
