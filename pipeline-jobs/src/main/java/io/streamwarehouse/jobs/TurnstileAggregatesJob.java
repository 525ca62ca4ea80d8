package io.streamwarehouse.jobs;

import static io.streamwarehouse.config.OperatorIds.STATION_WINDOW_SINK;
import static io.streamwarehouse.config.OperatorIds.TURNSTILE_ANOMALY_SINK;
import static io.streamwarehouse.config.OperatorIds.TURNSTILE_REJECT_SINK;
import static io.streamwarehouse.config.OperatorIds.TURNSTILE_SOURCE;
import static io.streamwarehouse.config.OperatorIds.TURNSTILE_WINDOW_SINK;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.config.PipelineOptions;
import io.streamwarehouse.turnstile.ParseResult;
import io.streamwarehouse.turnstile.ReadingDeserializer;
import io.streamwarehouse.turnstile.TurnstileTopology;
import io.streamwarehouse.warehouse.AnomalyWriter;
import io.streamwarehouse.warehouse.RejectWriter;
import io.streamwarehouse.warehouse.StationWindowWriter;
import io.streamwarehouse.warehouse.TurnstileWindowWriter;
import io.streamwarehouse.warehouse.WarehouseConnection;
import io.streamwarehouse.warehouse.WarehouseSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

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
    public void build(StreamExecutionEnvironment env, PipelineConfig config) {
        // Chained operators hand records on without a serializer copy: no function here keeps
        // or changes a record it has emitted, and the writers buffer only what they are given.
        env.getConfig().enableObjectReuse();
        var builder =
                KafkaSource.<ParseResult>builder()
                        .setBootstrapServers(config.get(PipelineOptions.KAFKA_BOOTSTRAP_SERVERS))
                        .setTopics(config.get(PipelineOptions.TURNSTILE_TOPIC))
                        .setGroupId(config.get(PipelineOptions.TURNSTILE_GROUP_ID))
                        .setStartingOffsets(startingOffsets(config))
                        .setDeserializer(ReadingDeserializer.from(config))
                        // offsets live in checkpoints; the committed ones are only for lag
                        // monitoring
                        .setProperty("commit.offsets.on.checkpoint", "true")
                        .setProperty("partition.discovery.interval.ms", "60000");
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        DataStream<ParseResult> records =
                env.fromSource(
                                builder.build(),
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
                TURNSTILE_WINDOW_SINK.uid,
                TURNSTILE_WINDOW_SINK.displayName);
        WarehouseSink.writeTo(
                out.stationWindows(),
                new StationWindowWriter(),
                warehouse,
                STATION_WINDOW_SINK.uid,
                STATION_WINDOW_SINK.displayName);
        WarehouseSink.writeTo(
                out.rejects(),
                new RejectWriter(),
                warehouse,
                TURNSTILE_REJECT_SINK.uid,
                TURNSTILE_REJECT_SINK.displayName);
        WarehouseSink.writeTo(
                out.anomalies(),
                new AnomalyWriter(),
                warehouse,
                TURNSTILE_ANOMALY_SINK.uid,
                TURNSTILE_ANOMALY_SINK.displayName);
    }

    private static OffsetsInitializer startingOffsets(PipelineConfig config) {
        switch (config.get(PipelineOptions.TURNSTILE_START_FROM)) {
            case LATEST:
                return OffsetsInitializer.latest();
            case COMMITTED:
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            default:
                return OffsetsInitializer.earliest();
        }
    }
}
