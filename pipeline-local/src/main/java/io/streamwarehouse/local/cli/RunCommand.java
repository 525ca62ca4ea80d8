package io.streamwarehouse.local.cli;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.jobs.Jobs;
import io.streamwarehouse.jobs.PipelineJob;
import io.streamwarehouse.jobs.RetainedCheckpoints;
import io.streamwarehouse.jobs.TurnstileAggregatesJob;
import io.streamwarehouse.local.flink.LocalCluster;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description =
                "Run one job (customer-dimension or turnstile-aggregates) in a local Flink mini cluster with the web UI, against the configured endpoints. Ctrl-C stops it.")
public final class RunCommand implements Callable<Integer> {

    @Parameters(
            index = "0",
            paramLabel = "JOB",
            description = "customer-dimension or turnstile-aggregates")
    String jobName;

    @Mixin WebUi web;

    @Option(
            names = "--from-savepoint",
            paramLabel = "PATH",
            description =
                    "Start from this savepoint or retained checkpoint (default: the newest"
                            + " checkpoint an earlier run of the job left in checkpoint.dir).")
    String fromSavepoint;

    @Option(
            names = "--fresh",
            description =
                    "Start from nothing: read the sources from their start positions again,"
                            + " even if an earlier run left a checkpoint.")
    boolean fresh;

    @Option(
            names = "--until-end",
            description =
                    "turnstile-aggregates only: stop at the end of the topic as it is at start, as a"
                            + " backfill of older weeks does (on its own topic and group id).")
    boolean untilEnd;

    @Mixin ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        PipelineJob job;
        try {
            job = Jobs.byName(jobName);
        } catch (IllegalArgumentException e) {
            throw new UserErrors.UserException(e.getMessage(), "./pipeline run --help");
        }
        if (untilEnd) {
            if (!(job instanceof TurnstileAggregatesJob)) {
                throw new UserErrors.UserException(
                        "--until-end is for turnstile-aggregates; " + jobName + " has no end",
                        "./pipeline run --help");
            }
            job = new TurnstileAggregatesJob(true);
        }
        PipelineConfig settings = config.load();
        String restore = startingPoint(job, settings);
        CountDownLatch stopped = new CountDownLatch(1);
        try (LocalCluster cluster = LocalCluster.start(web.address, web.port(settings), 4)) {
            stopOnExit(cluster, stopped);
            JobID id = cluster.submit(job, settings, restore);
            System.out.printf(
                    "%s running as job %s; web UI: %s%n", job.name(), id, cluster.webUrl());
            return awaitEnd(cluster, job, id, stopped, restore);
        }
    }

    /**
     * Where the run starts, said in its first line: the savepoint given, else the newest checkpoint
     * an earlier run left (after a crash, the same command resumes), else nothing.
     */
    private String startingPoint(PipelineJob job, PipelineConfig settings) throws Exception {
        if (fromSavepoint != null && fresh) {
            throw new UserErrors.UserException(
                    "--from-savepoint and --fresh contradict each other", "./pipeline run --help");
        }
        if (fromSavepoint != null) {
            System.out.printf("%s: starting from %s%n", job.name(), fromSavepoint);
            return fromSavepoint;
        }
        org.apache.flink.core.fs.Path directory =
                RetainedCheckpoints.directory(settings, job.name());
        if (fresh || untilEnd) {
            // a backfill reads its own topic from its start: the live run's state is not its own
            System.out.printf(
                    "%s: starting afresh (%s)%n", job.name(), fresh ? "--fresh" : "--until-end");
            return null;
        }
        Optional<org.apache.flink.core.fs.Path> newest = RetainedCheckpoints.newest(settings, job);
        if (newest.isEmpty()) {
            System.out.printf(
                    "%s: starting afresh (no checkpoint of an earlier run in %s)%n",
                    job.name(), directory);
            return null;
        }
        System.out.printf(
                "%s: resuming from %s, the newest checkpoint an earlier run left"
                        + " (--fresh starts afresh)%n",
                job.name(), newest.get());
        return newest.get().toString();
    }

    /** Closes the cluster on Ctrl-C (SIGINT, SIGTERM), then lets the waiting command end. */
    static void stopOnExit(LocalCluster cluster, CountDownLatch stopped) {
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    try {
                                        cluster.close();
                                    } catch (Exception ignored) {
                                        // exiting anyway
                                    }
                                    stopped.countDown();
                                }));
    }

    /**
     * Waits until the job ends; a job that failed in a way no restart mends (a purged change log, a
     * source schema change it must not run through) ends the command with that failure's one line.
     *
     * @return the exit code: 0 if the job finished, 1 otherwise
     */
    static int awaitEnd(LocalCluster cluster, PipelineJob job, JobID id, CountDownLatch stopped)
            throws Exception {
        return awaitEnd(cluster, job, id, stopped, null);
    }

    /**
     * @param restoredFrom the checkpoint or savepoint the job started from, or null
     */
    static int awaitEnd(
            LocalCluster cluster,
            PipelineJob job,
            JobID id,
            CountDownLatch stopped,
            String restoredFrom)
            throws Exception {
        JobStatus status;
        do {
            stopped.await(Duration.ofSeconds(1).toMillis(), TimeUnit.MILLISECONDS);
            status = cluster.status(id);
            cluster.checkUnrecoverable(id);
            if (restoredFrom != null) {
                cluster.checkRestorable(id, restoredFrom);
            }
        } while (!status.isGloballyTerminalState());
        System.out.printf("%s ended: %s%n", job.name(), status);
        return status == JobStatus.FINISHED ? 0 : 1;
    }
}
