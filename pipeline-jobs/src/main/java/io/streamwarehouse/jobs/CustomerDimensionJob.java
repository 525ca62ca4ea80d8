package io.streamwarehouse.jobs;

import static io.streamwarehouse.config.OperatorIds.CUSTOMER_DIMENSION_SINK;
import static io.streamwarehouse.config.OperatorIds.CUSTOMER_HISTORY_SINK;
import static io.streamwarehouse.config.OperatorIds.CUSTOMER_REJECTS_SINK;
import static io.streamwarehouse.config.OperatorIds.CUSTOMER_SOURCE;
import static io.streamwarehouse.config.OperatorIds.CUSTOMER_STAGING_SINK;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.customer.CustomerOptions;
import io.streamwarehouse.customer.CustomerTopology;
import io.streamwarehouse.customer.source.SourceCheck;
import io.streamwarehouse.customer.source.SourceConnection;
import io.streamwarehouse.warehouse.CustomerChangeWriter;
import io.streamwarehouse.warehouse.DimCustomerHistoryWriter;
import io.streamwarehouse.warehouse.DimCustomerWriter;
import io.streamwarehouse.warehouse.SnapshotEpoch;
import io.streamwarehouse.warehouse.SourceRejectWriter;
import io.streamwarehouse.warehouse.WarehouseConnection;
import io.streamwarehouse.warehouse.WarehouseSink;
import java.sql.Connection;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sakila OLTP change log -> staging.customer_changes and the Type 1 warehouse.dim_customer. */
public final class CustomerDimensionJob implements PipelineJob {
    public static final String NAME = "customer-dimension";
    private static final Logger LOG = LoggerFactory.getLogger(CustomerDimensionJob.class);

    @Override
    public String name() {
        return NAME;
    }

    /** Fails before submission, with what to change, if the source cannot feed CDC. */
    @Override
    public void preflight(PipelineConfig config) throws Exception {
        try (Connection connection = SourceConnection.open(config)) {
            // a restarted job reuses its slot: it must not count as one more slot wanted
            List<SourceCheck.Problem> warnings =
                    SourceCheck.verify(
                            connection,
                            SourceConnection.dialect(config),
                            config.get(CustomerOptions.SOURCE_SLOT_NAME));
            // not fatal, but the operator should see them once, at start
            warnings.forEach(w -> LOG.warn("source check: {}", w.message()));
        }
    }

    @Override
    public String sourceUid() {
        return CUSTOMER_SOURCE.uid;
    }

    @Override
    public void build(StreamExecutionEnvironment env, PipelineConfig config) {
        DataStream<String> events =
                env.fromSource(
                                CdcSources.create(config),
                                WatermarkStrategy.noWatermarks(),
                                CUSTOMER_SOURCE.displayName)
                        .uid(CUSTOMER_SOURCE.uid)
                        // one reader keeps the change log in order; the join scales separately
                        .setParallelism(1);
        StreamTableEnvironment tableEnv = StreamTableEnvironment.create(env);
        CustomerTopology.Outputs out = CustomerTopology.build(tableEnv, events, config);

        WarehouseConnection warehouse = WarehouseConnection.from(config);
        // a start without state snapshots the source again; a restore keeps its own epoch
        long epoch = SnapshotEpoch.proposeNew();
        WarehouseSink.writeTo(
                out.changes(),
                new CustomerChangeWriter(CustomerTopology.emailPolicy(config), epoch),
                warehouse,
                CUSTOMER_STAGING_SINK);
        WarehouseSink.writeTo(
                out.rejects(), new SourceRejectWriter(), warehouse, CUSTOMER_REJECTS_SINK);
        WarehouseSink.writeTo(
                out.dimension(), new DimCustomerWriter(epoch), warehouse, CUSTOMER_DIMENSION_SINK);
        if (config.get(CustomerOptions.CUSTOMER_HISTORY)) {
            WarehouseSink.writeTo(
                    out.dimension(),
                    new DimCustomerHistoryWriter(epoch),
                    warehouse,
                    CUSTOMER_HISTORY_SINK);
        }
    }
}
