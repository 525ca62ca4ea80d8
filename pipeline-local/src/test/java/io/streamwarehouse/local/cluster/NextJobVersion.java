package io.streamwarehouse.local.cluster;

import io.streamwarehouse.config.OperatorIds;
import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.jobs.CustomerDimensionJob;
import io.streamwarehouse.jobs.JobRuntime;
import io.streamwarehouse.jobs.Jobs;
import io.streamwarehouse.jobs.PipelineJob;
import io.streamwarehouse.jobs.TurnstileAggregatesJob;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The next release of a job, for the upgrade tests: the released job exactly as it is, plus one new
 * operator with a new metric ({@value #METRIC}) on the rows the job writes to its main table. That
 * is the kind of change a release makes (a new metric, a new output), and it changes the job graph,
 * so the restore has to map the old savepoint onto a different program by operator uid.
 *
 * <p>It is packed into a copy of the shaded job jar and run as that jar's entry class, so the
 * cluster loads it the way it loads the released job.
 */
public final class NextJobVersion {
    public static final String METRIC = "nextVersionRowsSeen";

    private NextJobVersion() {}

    /** Arguments as the released job takes them: {@code JOB [--set key=value]...}. */
    public static void main(String[] args) throws Exception {
        PipelineJob job = Jobs.byName(args[0]);
        List<String> sets = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--set") && i + 1 < args.length) {
                sets.add(args[++i]);
            } else {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
        }
        PipelineConfig config = PipelineConfig.load(null, sets, System.getenv());
        job.preflight(config);
        StreamExecutionEnvironment env =
                JobRuntime.configure(
                        StreamExecutionEnvironment.getExecutionEnvironment(), config, job.name());
        job.build(env, config);
        OperatorIds rows =
                switch (job.name()) {
                    case TurnstileAggregatesJob.NAME -> OperatorIds.TURNSTILE_WINDOW_ROWS;
                    case CustomerDimensionJob.NAME -> OperatorIds.CUSTOMER_DIMENSION_ROWS;
                    default ->
                            throw new IllegalArgumentException("no next version of " + job.name());
                };
        @SuppressWarnings("unchecked")
        Transformation<Object> output =
                (Transformation<Object>) find(env.getTransformations(), rows.uid);
        new DataStream<>(env, output)
                .process(new CountRows(), Types.VOID)
                .uid(rows.uid + "-seen")
                .name("Count " + rows.displayName + " (next version)");
        env.execute(job.name());
    }

    private static Transformation<?> find(List<Transformation<?>> sinks, String uid) {
        Deque<Transformation<?>> todo = new ArrayDeque<>(sinks);
        while (!todo.isEmpty()) {
            Transformation<?> t = todo.pop();
            if (uid.equals(t.getUid())) {
                return t;
            }
            todo.addAll(t.getInputs());
        }
        throw new IllegalStateException("the job has no operator with uid " + uid);
    }

    private static final class CountRows extends ProcessFunction<Object, Void> {
        private transient Counter rows;

        @Override
        public void open(OpenContext openContext) {
            rows = getRuntimeContext().getMetricGroup().counter(METRIC);
        }

        @Override
        public void processElement(Object row, Context ctx, Collector<Void> out) {
            rows.inc();
        }
    }
}
