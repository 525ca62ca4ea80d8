package io.streamwarehouse.turnstile;

import static io.streamwarehouse.config.OperatorIds.STATION_WINDOW_ROWS;
import static io.streamwarehouse.config.OperatorIds.TURNSTILE_DELTAS;
import static io.streamwarehouse.config.OperatorIds.TURNSTILE_PARSE;
import static io.streamwarehouse.config.OperatorIds.TURNSTILE_WINDOW_ROWS;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.config.PlannerUids;
import io.streamwarehouse.turnstile.parse.ParseReadings;
import io.streamwarehouse.turnstile.parse.ParseResult;
import io.streamwarehouse.turnstile.parse.ReadingDeserializer;
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

    /**
     * @param records what the Kafka source parsed, with event time and per-partition watermarks
     *     from {@link ReadingDeserializer#watermarks}
     */
    public static Outputs build(
            StreamTableEnvironment tableEnv,
            DataStream<ParseResult> records,
            PipelineConfig config) {
        SingleOutputStreamOperator<TurnstileReading> readings =
                records.process(new ParseReadings())
                        .uid(TURNSTILE_PARSE.uid)
                        .name(TURNSTILE_PARSE.displayName);

        SingleOutputStreamOperator<TurnstileDelta> deltas =
                readings.keyBy(new TurnstileKey.Selector())
                        .transform(
                                TURNSTILE_DELTAS.displayName,
                                TypeInformation.of(TurnstileDelta.class),
                                new CounterDeltaOperator(
                                        CounterRules.from(config),
                                        config.get(TurnstileOptions.TURNSTILE_HELD_TURNSTILES)))
                        .uid(TURNSTILE_DELTAS.uid);

        Duration size = config.get(TurnstileOptions.TURNSTILE_WINDOW);
        TurnstileWindows windows =
                config.contains(TurnstileOptions.TURNSTILE_HOP_SLIDE)
                        ? TurnstileWindows.hopping(
                                tableEnv, size, config.get(TurnstileOptions.TURNSTILE_HOP_SLIDE))
                        : TurnstileWindows.tumbling(tableEnv, size);
        Table deltaTable = TurnstileWindows.deltaTable(tableEnv, deltas);
        DataStream<Row> perTurnstile =
                toRows(tableEnv, windows.perTurnstile(deltaTable), TURNSTILE_WINDOW_ROWS);
        DataStream<Row> perStation =
                toRows(tableEnv, windows.stationRollup(deltaTable), STATION_WINDOW_ROWS);

        DataStream<Reject> rejects =
                readings.getSideOutput(ParseReadings.REJECTS)
                        .union(deltas.getSideOutput(CounterDeltaOperator.LATE));
        return new Outputs(
                perTurnstile,
                perStation,
                rejects,
                deltas.getSideOutput(CounterDeltaOperator.ANOMALIES));
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
