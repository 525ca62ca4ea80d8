package io.streamwarehouse.jobs;

import io.streamwarehouse.config.PipelineConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Entry point of the job jar a cluster runs. Configuration also comes from {@code PIPELINE_*}
 * environment variables of the JobManager, which is how Kubernetes secrets reach it.
 */
@Command(
        name = "job",
        mixinStandardHelpOptions = true,
        description = "Runs one pipeline job on the Flink cluster that executes this jar.")
public final class JobMain implements Callable<Integer> {

    @Parameters(paramLabel = "JOB", description = "customer-dimension or turnstile-aggregates")
    String jobName;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Properties file with configuration keys.")
    Path configFile;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "Override one key; repeatable.")
    List<String> sets = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        JobMain main = new JobMain();
        CommandLine cli = new CommandLine(main);
        try {
            cli.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            cli.usage(cli.getErr());
            throw new IllegalArgumentException("bad job arguments: " + e.getMessage(), e);
        }
        if (cli.isUsageHelpRequested()) {
            cli.usage(cli.getOut());
            return;
        }
        // run directly, not through picocli's executor: a failure must reach the cluster client
        // (and the REST response) as the exception it is
        main.call();
    }

    @Override
    public Integer call() throws Exception {
        PipelineJob job = Jobs.byName(jobName);
        PipelineConfig config = PipelineConfig.load(configFile, sets, System.getenv());
        job.preflight(config);
        StreamExecutionEnvironment env =
                JobRuntime.configure(
                        StreamExecutionEnvironment.getExecutionEnvironment(), config, job.name());
        job.build(env, config);
        env.execute(job.name());
        return 0;
    }
}
