package io.streamwarehouse.local.turnstile;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.jobs.TurnstileAggregatesJob;
import io.streamwarehouse.local.flink.LocalCluster;
import io.streamwarehouse.local.services.KafkaExtension;
import io.streamwarehouse.local.services.PostgresExtension;
import io.streamwarehouse.local.warehouse.JobLogins;
import io.streamwarehouse.warehouse.Migrations;
import io.streamwarehouse.warehouse.WarehouseConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.RestoredCheckpointStats;
import org.apache.flink.runtime.executiongraph.ArchivedExecutionGraph;
import org.apache.flink.runtime.executiongraph.ErrorInfo;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;

/**
 * One run of the real {@link TurnstileAggregatesJob}, built and submitted exactly as {@code
 * ./pipeline run turnstile-aggregates} does, with handles on what the tests need to watch: job
 * status, completed and restored checkpoints, and failures the restart strategy would otherwise
 * hide.
 */
final class TurnstileJobRun {
    /** A week of readings takes a few seconds; this only turns a hang into a failure. */
    static final Duration JOB_TIMEOUT = Duration.ofSeconds(90);

    private final MiniCluster cluster;
    final JobID jobId;

    private TurnstileJobRun(MiniCluster cluster, JobID jobId) {
        this.cluster = cluster;
        this.jobId = jobId;
    }

    /**
     * Settings for a run against a fresh warehouse database (migrated here) and a topic.
     * Checkpoints every 500 ms, so results land quickly; a short warehouse retry timeout, so a row
     * PostgreSQL refuses fails the job within seconds instead of after minutes of retries.
     */
    static PipelineConfig config(
            PostgresExtension postgres,
            String database,
            KafkaExtension kafka,
            String topic,
            Path checkpoints,
            Map<String, String> settings) {
        Map<String, String> values = new HashMap<>();
        values.put("warehouse.jdbc-url", postgres.jdbcUrl(database));
        values.put("warehouse.username", postgres.service().username());
        values.put("warehouse.password", postgres.service().password());
        values.put("warehouse.retry-timeout", "3 s");
        values.put("kafka.bootstrap-servers", kafka.bootstrapServers());
        values.put("turnstile.topic", topic);
        values.put("turnstile.group-id", "turnstile-" + database);
        values.put("checkpoint.interval", "500 ms");
        values.put("checkpoint.dir", checkpoints.toUri().toString());
        values.putAll(settings);
        PipelineConfig config = PipelineConfig.of(values);
        Migrations.apply(WarehouseConnection.from(config));
        return config;
    }

    /**
     * Submits the job.
     *
     * @param bounded stop at the topic's end offsets as of the start
     * @param restoreFrom a retained checkpoint or savepoint to start from, or null
     */
    static TurnstileJobRun start(
            LocalCluster cluster, PipelineConfig config, boolean bounded, String restoreFrom)
            throws Exception {
        return start(cluster, config, bounded, restoreFrom, null);
    }

    /** As above, under a fixed job id unless {@code fixedId} is null. */
    static TurnstileJobRun start(
            LocalCluster cluster,
            PipelineConfig config,
            boolean bounded,
            String restoreFrom,
            JobID fixedId)
            throws Exception {
        // the job writes as the jobs' limited login; the test keeps the owner's settings
        JobID id =
                cluster.submit(
                        new TurnstileAggregatesJob(bounded),
                        JobLogins.asJob(config),
                        restoreFrom,
                        fixedId);
        return new TurnstileJobRun(cluster.miniCluster(), id);
    }

    /** Runs the job bounded to the end of the topic and fails the test if the job failed. */
    static TurnstileJobRun runToEnd(LocalCluster cluster, PipelineConfig config) throws Exception {
        TurnstileJobRun run = start(cluster, config, true, null);
        run.awaitSuccess();
        return run;
    }

    void awaitSuccess() throws Exception {
        JobResult result =
                cluster.requestJobResult(jobId).get(JOB_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (!result.isSuccess()) {
            throw new AssertionError(
                    "job " + jobId + " ended " + result.getApplicationStatus(),
                    result.getSerializedThrowable()
                            .map(t -> t.deserializeError(getClass().getClassLoader()))
                            .orElse(null));
        }
        Throwable failover = failure();
        if (failover != null) {
            throw new AssertionError(
                    "job " + jobId + " finished, but failed over on the way", failover);
        }
    }

    /** Cancels the job and waits until it is cancelled; its last checkpoint is retained. */
    void cancel() throws Exception {
        cluster.cancelJob(jobId).get(JOB_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        cluster.requestJobResult(jobId).get(JOB_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    JobStatus status() throws Exception {
        return cluster.getJobStatus(jobId).get();
    }

    /** The latest failure of the job, including ones a restart recovered from; null if none. */
    Throwable failure() throws Exception {
        ErrorInfo info = graph().getFailureInfo();
        return info == null
                ? null
                : info.getException().deserializeError(getClass().getClassLoader());
    }

    /**
     * Waits until the job has failed {@code count} times from now on, each failure told apart by
     * its time: a job that keeps failing over keeps restarting, it does not give up.
     */
    void awaitFailovers(int count, Duration timeout) throws Exception {
        Set<Long> seen = new HashSet<>();
        ErrorInfo before = graph().getFailureInfo();
        long since = before == null ? Long.MIN_VALUE : before.getTimestamp();
        Poll.until(
                count + " more failovers of " + jobId,
                timeout,
                () -> {
                    ErrorInfo info = graph().getFailureInfo();
                    if (info != null && info.getTimestamp() > since) {
                        seen.add(info.getTimestamp());
                    }
                    return seen.size() >= count;
                });
    }

    /** Fails at once if the job failed at any point, rather than when a poll times out. */
    void assertNeverFailed() throws Exception {
        Throwable failure = failure();
        if (failure != null) {
            throw new AssertionError("job " + jobId + " failed", failure);
        }
    }

    /** Polls a warehouse condition while the job runs, failing early if the job fails. */
    void awaitWarehouse(String what, Callable<Boolean> condition) throws Exception {
        Poll.until(
                what,
                JOB_TIMEOUT,
                () -> {
                    assertNeverFailed();
                    return condition.call();
                });
    }

    long completedCheckpoints() throws Exception {
        CheckpointStatsSnapshot stats = graph().getCheckpointStatsSnapshot();
        return stats == null ? 0 : stats.getCounts().getNumberOfCompletedCheckpoints();
    }

    /** Waits until at least {@code count} more checkpoints have completed than now. */
    void awaitMoreCheckpoints(int count) throws Exception {
        long target = completedCheckpoints() + count;
        Poll.until(
                target + " completed checkpoints of " + jobId,
                JOB_TIMEOUT,
                this::completedCheckpoints,
                n -> n >= target);
    }

    /** The checkpoint the job last restored from (after a failover or a resubmission), or -1. */
    long restoredCheckpoint() throws Exception {
        CheckpointStatsSnapshot stats = graph().getCheckpointStatsSnapshot();
        RestoredCheckpointStats restored =
                stats == null ? null : stats.getLatestRestoredCheckpoint();
        return restored == null ? -1 : restored.getCheckpointId();
    }

    /** The newest {@code chk-N} directory with its metadata written: a completed checkpoint. */
    Path latestRetainedCheckpoint(Path checkpointDir) throws Exception {
        Path jobCheckpoints = checkpointDir.resolve(jobId.toHexString());
        try (Stream<Path> dirs = Files.list(jobCheckpoints)) {
            Optional<Path> latest =
                    dirs.filter(p -> p.getFileName().toString().startsWith("chk-"))
                            .filter(p -> Files.exists(p.resolve("_metadata")))
                            .max(
                                    Comparator.comparingLong(
                                            p ->
                                                    Long.parseLong(
                                                            p.getFileName()
                                                                    .toString()
                                                                    .substring(4))));
            assertThat(latest).as("a retained checkpoint in %s", jobCheckpoints).isPresent();
            return latest.get();
        }
    }

    private ArchivedExecutionGraph graph() throws Exception {
        return cluster.getArchivedExecutionGraph(jobId).get();
    }
}
