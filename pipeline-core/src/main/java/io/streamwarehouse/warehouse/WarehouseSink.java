package io.streamwarehouse.warehouse;

import io.streamwarehouse.config.OperatorIds;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/** Attaches an exactly-once warehouse writer to the end of a stream. */
public final class WarehouseSink {
    private WarehouseSink() {}

    /** As below, under the uid and name of one of the jobs' operators. */
    public static <T> SingleOutputStreamOperator<Void> writeTo(
            DataStream<T> stream,
            TableWriter<T> writer,
            WarehouseConnection warehouse,
            OperatorIds id) {
        return writeTo(stream, writer, warehouse, id.uid, id.displayName);
    }

    /**
     * Writes the stream to the writer's table at each completed checkpoint.
     *
     * @param uid stable operator uid: its state holds loads not yet committed, so it must survive
     *     upgrades
     */
    public static <T> SingleOutputStreamOperator<Void> writeTo(
            DataStream<T> stream,
            TableWriter<T> writer,
            WarehouseConnection warehouse,
            String uid,
            String name) {
        return stream.transform(
                        name,
                        Types.VOID,
                        new CommitOnCheckpoint<>(writer, warehouse, stream.getType()))
                .uid(uid);
    }
}
