package io.streamwarehouse.jobs;

import io.streamwarehouse.config.PipelineConfig;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** One of the product's jobs: adds its topology to an environment configured by the caller. */
public interface PipelineJob {

    /** The name users pass to {@code ./pipeline run} and the cluster scripts. */
    String name();

    /**
     * The uid of the job's source: its state is in every checkpoint of the job, which tells them
     * from another job's in a shared {@code checkpoint.dir}.
     */
    String sourceUid();

    /** Checks what the job needs from the outside world and fails with what to change. */
    default void preflight(PipelineConfig config) throws Exception {}

    void build(StreamExecutionEnvironment env, PipelineConfig config) throws Exception;
}
