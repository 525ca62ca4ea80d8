package io.streamwarehouse.turnstile;

import static io.streamwarehouse.config.OperatorIds.STATION_WINDOW_ROWS;
import static io.streamwarehouse.config.OperatorIds.TURNSTILE_DELTAS;
import static io.streamwarehouse.config.OperatorIds.TURNSTILE_LATE;
import static io.streamwarehouse.config.OperatorIds.TURNSTILE_PARSE;
import static io.streamwarehouse.config.OperatorIds.TURNSTILE_WATERMARKS;
import static io.streamwarehouse.config.OperatorIds.TURNSTILE_WINDOW_ROWS;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.config.PipelineOptions;
import io.streamwarehouse.config.PlannerUids;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;

/**
 * The turnstile job's logic between its source and its sinks: parse, order + dedup + counter
 * deltas, then event-time windows with the Table API. Sources and sinks are injected by the caller,
 * so tests can drive it from any stream.
 */
public final class TurnstileTopology {
    /** The exec node id the planner puts in front of its uids. */
    private TurnstileTopology() {}

    /** Everything the job writes. */
    public record Outputs(
            DataStream<Row> turnstileWindows,
            DataStream<Row> stationWindows,
            DataStream<Reject> rejects,
            DataStream<CounterAnomaly> anomalies) {}

    public static Outputs build(
            StreamTableEnvironment tableEnv, DataStream<RawRecord> records, PipelineConfig config) {
        TurnstileParser parser =
                config.get(PipelineOptions.TURNSTILE_FORMAT)
                        .parser(config.get(PipelineOptions.TURNSTILE_MAX_RECORD_BYTES));
        SingleOutputStreamOperator<TurnstileReading> readings =
                records.process(new ParseReadings(parser))
                        .uid(TURNSTILE_PARSE.uid)
                        .name(TURNSTILE_PARSE.displayName);

        Duration lateness = config.get(PipelineOptions.TURNSTILE_ALLOWED_LATENESS);
        CounterRules rules =
                CounterRules.fromConfig(
                        config.get(PipelineOptions.TURNSTILE_COUNTER_MODE).configName(),
                        config.get(PipelineOptions.TURNSTILE_MAX_GAP),
                        config.get(PipelineOptions.TURNSTILE_MAX_PER_HOUR),
                        lateness);
        SingleOutputStreamOperator<TurnstileDelta> deltas =
                readings.assignTimestampsAndWatermarks(
                                TurnstileTime.watermarks(
                                        config.get(PipelineOptions.TURNSTILE_OUT_OF_ORDERNESS),
                                        Duration.ZERO))
                        .uid(TURNSTILE_WATERMARKS.uid)
                        .name(TURNSTILE_WATERMARKS.displayName)
                        .keyBy(new TurnstileKey.Selector())
                        .process(new CounterDeltaFunction(rules))
                        .uid(TURNSTILE_DELTAS.uid)
                        .name(TURNSTILE_DELTAS.displayName);

        DataStream<TurnstileDelta> windowInput = deltas;
        if (!lateness.isZero()) {
            // deltas of readings that waited out the allowed lateness trail the watermark by it
            windowInput =
                    deltas.transform(
                                    TURNSTILE_LATE.displayName,
                                    deltas.getType(),
                                    new WatermarkDelayOperator<>(lateness))
                            .uid(TURNSTILE_LATE.uid);
        }

        Duration size = config.get(PipelineOptions.TURNSTILE_WINDOW);
        TurnstileWindows windows =
                config.contains(PipelineOptions.TURNSTILE_HOP_SLIDE)
                        ? TurnstileWindows.hopping(
                                tableEnv, size, config.get(PipelineOptions.TURNSTILE_HOP_SLIDE))
                        : TurnstileWindows.tumbling(tableEnv, size);
        Table deltaTable = TurnstileWindows.deltaTable(tableEnv, windowInput);
        DataStream<Row> perTurnstile =
                toRows(tableEnv, windows.perTurnstile(deltaTable), TURNSTILE_WINDOW_ROWS);
        DataStream<Row> perStation =
                toRows(tableEnv, windows.stationRollup(deltaTable), STATION_WINDOW_ROWS);

        DataStream<Reject> rejects =
                readings.getSideOutput(ParseReadings.REJECTS)
                        .union(deltas.getSideOutput(CounterDeltaFunction.LATE));
        return new Outputs(
                perTurnstile,
                perStation,
                rejects,
                deltas.getSideOutput(CounterDeltaFunction.ANOMALIES));
    }

    private static DataStream<Row> toRows(
            StreamTableEnvironment tableEnv,
            Table table,
            io.streamwarehouse.config.OperatorIds id) {
        // insert-only: window TVF aggregates emit each window once, when the watermark passes it
        DataStream<Row> rows = tableEnv.toDataStream(table);
        PlannerUids.pin(rows.getTransformation(), id.uid);
        return rows.map(row -> row, TypeInformation.of(Row.class))
                .returns(rows.getType())
                .uid(id.uid)
                .name(id.displayName);
    }
}
