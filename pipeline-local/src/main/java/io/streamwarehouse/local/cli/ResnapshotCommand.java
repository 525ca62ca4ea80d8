package io.streamwarehouse.local.cli;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.jobs.CustomerDimensionJob;
import io.streamwarehouse.local.flink.LocalCluster;
import io.streamwarehouse.warehouse.SnapshotSweep;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.flink.api.common.JobID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "resnapshot",
        mixinStandardHelpOptions = true,
        description = {
            "Load the source again: start customer-dimension without state (a new snapshot epoch,"
                    + " whose reads replace every older row), wait until it has written every"
                    + " customer of the source, soft-delete the customers it did not find, then"
                    + " keep the job streaming like 'run'. The dimension keeps serving its rows"
                    + " all along. Stop the job that ran before first (its checkpoint is not used).",
            "On a cluster: start this with --sweep-only, then submit the job without a savepoint."
        })
public final class ResnapshotCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "JOB", description = "customer-dimension")
    String jobName;

    @Mixin WebUi web;

    @Option(
            names = "--sweep-only",
            description =
                    "Start no job: wait for a customer-dimension job submitted elsewhere without"
                            + " state after this command started, then soft-delete what its"
                            + " snapshot did not find, and exit.")
    boolean sweepOnly;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "PT1H",
            description =
                    "How long the new snapshot may take to cover the source (ISO-8601, default"
                            + " ${DEFAULT-VALUE}).")
    Duration timeout;

    @Mixin ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        if (!CustomerDimensionJob.NAME.equals(jobName)) {
            throw new UserErrors.UserException(
                    "only customer-dimension reads a source that can be snapshotted; '"
                            + jobName
                            + "' is not it",
                    "to load turnstile weeks again, replay them: ./pipeline replay --help");
        }
        PipelineConfig settings = config.load();
        Instant since = Instant.now();
        SnapshotSweep sweep = new SnapshotSweep(settings);
        if (sweepOnly) {
            report(sweep.awaitAndSweep(since, timeout, ResnapshotCommand::progress));
            return 0;
        }
        CustomerDimensionJob job = new CustomerDimensionJob();
        CountDownLatch stopped = new CountDownLatch(1);
        try (LocalCluster cluster = LocalCluster.start(web.address, web.port(settings), 4)) {
            RunCommand.stopOnExit(cluster, stopped);
            JobID id = cluster.submit(job, settings, null);
            System.out.printf(
                    "%s re-snapshotting as job %s; web UI: %s%n", job.name(), id, cluster.webUrl());
            report(sweep.awaitAndSweep(since, timeout, ResnapshotCommand::progress));
            return RunCommand.awaitEnd(cluster, job, id, stopped);
        }
    }

    private static void progress(String line) {
        System.out.println("resnapshot: " + line);
    }

    private static void report(SnapshotSweep.Result result) {
        progress(
                "snapshot epoch "
                        + result.epoch()
                        + " covers all "
                        + result.customers()
                        + " customers of the source; "
                        + result.softDeleted()
                        + " customers no longer in the source soft-deleted");
    }
}
