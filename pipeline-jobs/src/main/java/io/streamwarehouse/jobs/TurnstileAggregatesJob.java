package io.streamwarehouse.jobs;

import static io.streamwarehouse.config.OperatorIds.STATION_WINDOW_SINK;
import static io.streamwarehouse.config.OperatorIds.TURNSTILE_ANOMALY_SINK;
import static io.streamwarehouse.config.OperatorIds.TURNSTILE_REJECT_SINK;
import static io.streamwarehouse.config.OperatorIds.TURNSTILE_SOURCE;
import static io.streamwarehouse.config.OperatorIds.TURNSTILE_WINDOW_SINK;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.turnstile.TurnstileTopology;
import io.streamwarehouse.turnstile.parse.ParseResult;
import io.streamwarehouse.turnstile.parse.ReadingDeserializer;
import io.streamwarehouse.warehouse.AnomalyWriter;
import io.streamwarehouse.warehouse.RejectWriter;
import io.streamwarehouse.warehouse.StationWindowWriter;
import io.streamwarehouse.warehouse.TurnstileWindowWriter;
import io.streamwarehouse.warehouse.WarehouseConnection;
import io.streamwarehouse.warehouse.WarehouseSink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/** Kafka turnstile readings -> windowed entries/exits in the warehouse. */
public final class TurnstileAggregatesJob implements PipelineJob {
    public static final String NAME = "turnstile-aggregates";

    /** When set, the source stops at the topic's end offsets at start (tests, backfills). */
    private final boolean bounded;

    public TurnstileAggregatesJob() {
        this(false);
    }

    public TurnstileAggregatesJob(boolean bounded) {
        this.bounded = bounded;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String sourceUid() {
        return TURNSTILE_SOURCE.uid;
    }

    @Override
    public void build(StreamExecutionEnvironment env, PipelineConfig config) {
        // Chained operators hand records on without a serializer copy: no function here keeps
        // or changes a record it has emitted, and the writers buffer only what they are given.
        env.getConfig().enableObjectReuse();
        DataStream<ParseResult> records =
                env.fromSource(
                                KafkaSources.turnstileRecords(config, bounded),
                                // parsed in the source, so watermarks are per partition
                                ReadingDeserializer.watermarks(config),
                                TURNSTILE_SOURCE.displayName)
                        .uid(TURNSTILE_SOURCE.uid);

        StreamTableEnvironment tableEnv = StreamTableEnvironment.create(env);
        TurnstileTopology.Outputs out = TurnstileTopology.build(tableEnv, records, config);

        WarehouseConnection warehouse = WarehouseConnection.from(config);
        WarehouseSink.writeTo(
                out.turnstileWindows(),
                new TurnstileWindowWriter(),
                warehouse,
                TURNSTILE_WINDOW_SINK);
        WarehouseSink.writeTo(
                out.stationWindows(), new StationWindowWriter(), warehouse, STATION_WINDOW_SINK);
        WarehouseSink.writeTo(out.rejects(), new RejectWriter(), warehouse, TURNSTILE_REJECT_SINK);
        WarehouseSink.writeTo(
                out.anomalies(), new AnomalyWriter(), warehouse, TURNSTILE_ANOMALY_SINK);
    }
}
