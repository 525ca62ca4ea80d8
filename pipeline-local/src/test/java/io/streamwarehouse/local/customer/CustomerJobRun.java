package io.streamwarehouse.local.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.jobs.CustomerDimensionJob;
import io.streamwarehouse.local.flink.LocalCluster;
import io.streamwarehouse.local.warehouse.JobLogins;
import io.streamwarehouse.warehouse.Migrations;
import io.streamwarehouse.warehouse.WarehouseConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.executiongraph.ErrorInfo;

/**
 * The customer-dimension job as production runs it (same topology, RocksDB, exactly-once
 * checkpoints retained on cancel), submitted to a Flink mini cluster against a real source and a
 * real warehouse database. Keeps the job's id across cancel and restore so a test can follow one
 * logical pipeline through several job runs.
 */
final class CustomerJobRun implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(120);

    final PipelineConfig config;

    /** As {@link #config}, with the warehouse login of the jobs instead of the owner's. */
    private final PipelineConfig jobConfig;

    final WarehouseConnection warehouse;
    private final Path checkpoints;
    private final LocalCluster cluster;
    private JobID jobId;
    private int killedTaskManagers;

    private CustomerJobRun(
            PipelineConfig config,
            PipelineConfig jobConfig,
            Path checkpoints,
            LocalCluster cluster) {
        this.config = config;
        this.jobConfig = jobConfig;
        this.warehouse = WarehouseConnection.from(config);
        this.checkpoints = checkpoints;
        this.cluster = cluster;
    }

    /**
     * Migrates the warehouse and starts a mini cluster; the job is not submitted yet.
     *
     * @param settings source, warehouse and any other settings; checkpoint ones are added here
     */
    static CustomerJobRun prepare(Map<String, String> settings, Path checkpoints) throws Exception {
        Map<String, String> values = new LinkedHashMap<>(settings);
        // Short checkpoints: rows become visible one interval after they arrive.
        values.putIfAbsent("checkpoint.interval", "700 ms");
        values.put("checkpoint.dir", checkpoints.toUri().toString());
        PipelineConfig config = PipelineConfig.of(values);
        Migrations.apply(WarehouseConnection.from(config));
        // Room for a parallel job, and for a restored one scheduled while the cancelled one still
        // releases its slots.
        return new CustomerJobRun(
                config, JobLogins.asJob(config), checkpoints, LocalCluster.start(0, 4));
    }

    /** Runs the preflight source check and submits the job from scratch (initial snapshot). */
    JobID start() throws Exception {
        jobId = cluster.submit(new CustomerDimensionJob(), jobConfig, null);
        awaitStatus(JobStatus.RUNNING);
        return jobId;
    }

    /**
     * Submits the job again without state, as a re-snapshot does: a new lifetime, a new snapshot
     * epoch, over the warehouse the earlier runs filled.
     *
     * @param change settings of the new run on top of the first one's (e.g. another e-mail policy)
     */
    JobID startFresh(UnaryOperator<PipelineConfig> change) throws Exception {
        jobId = cluster.submit(new CustomerDimensionJob(), change.apply(jobConfig), null);
        awaitStatus(JobStatus.RUNNING);
        return jobId;
    }

    /** The settings the job runs with: the job login of the warehouse, not its owner. */
    PipelineConfig jobConfig() {
        return jobConfig;
    }

    /** As a local run checks it: throws the one line a user sees if no restart can mend it. */
    void checkUnrecoverable() throws Exception {
        cluster.checkUnrecoverable(jobId);
    }

    /**
     * Waits until the job has failed for good (restarts suppressed) and returns its failure as
     * text.
     */
    String awaitFailedForGood() {
        await("job " + jobId + " FAILED")
                .atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> status() == JobStatus.FAILED);
        try {
            return failure().map(ErrorInfo::getExceptionAsString).orElse("");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Submits the job again, restoring the state of a retained checkpoint. */
    JobID restore(Path checkpoint) throws Exception {
        submitRestoring(checkpoint);
        awaitStatus(JobStatus.RUNNING);
        return jobId;
    }

    /** As {@link #restore} without waiting for RUNNING: for a restore that must fail. */
    JobID submitRestoring(Path checkpoint) throws Exception {
        jobId =
                cluster.submit(
                        new CustomerDimensionJob(), jobConfig, checkpoint.toUri().toString());
        return jobId;
    }

    JobID jobId() {
        return jobId;
    }

    /** Cancels the running job as an operator would (its last checkpoint is retained). */
    void cancel() throws Exception {
        cluster.miniCluster().cancelJob(jobId).get();
        awaitStatus(JobStatus.CANCELED);
    }

    JobStatus status() throws Exception {
        return cluster.status(jobId);
    }

    /**
     * Kills the task manager that runs the job and starts another in its place; Flink restarts the
     * job from its latest checkpoint.
     */
    void killTaskManager() throws Exception {
        // the mini cluster numbers task managers by start, and a killed one keeps its number
        cluster.miniCluster().terminateTaskManager(killedTaskManagers++).get();
        cluster.miniCluster().startTaskManager();
    }

    /** Waits until the job runs and has completed a checkpoint more than it had when called. */
    void awaitNextCheckpoint() throws Exception {
        long target = completedCheckpoints() + 1;
        await("a checkpoint of job " + jobId)
                .atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> status() == JobStatus.RUNNING && completedCheckpoints() >= target);
    }

    /**
     * Waits until the job has failed {@code count} times from now on, each failure told apart by
     * its time: a job that keeps failing over keeps restarting, it does not give up.
     */
    void awaitFailovers(int count) throws Exception {
        long since = lastFailureTime();
        Set<Long> seen = new HashSet<>();
        await(count + " failovers of job " + jobId)
                .atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> {
                            long last = lastFailureTime();
                            if (last > since) {
                                seen.add(last);
                            }
                            return seen.size() >= count;
                        });
    }

    /**
     * Waits until the job has either completed {@code count} more checkpoints or failed over: it
     * has met whatever was just done to its surroundings, whichever way it copes.
     */
    void awaitCheckpointsOrFailover(int count) throws Exception {
        long since = lastFailureTime();
        long target = completedCheckpoints() + count;
        await(count + " checkpoints or a failover of job " + jobId)
                .atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> lastFailureTime() > since || completedCheckpoints() >= target);
    }

    private long lastFailureTime() throws Exception {
        return failure().map(ErrorInfo::getTimestamp).orElse(Long.MIN_VALUE);
    }

    long completedCheckpoints() throws Exception {
        CheckpointStatsSnapshot stats =
                cluster.miniCluster()
                        .getArchivedExecutionGraph(jobId)
                        .get()
                        .getCheckpointStatsSnapshot();
        return stats == null ? 0 : stats.getCounts().getNumberOfCompletedCheckpoints();
    }

    /** The job's latest failure, if a task failed since it was submitted. */
    Optional<ErrorInfo> failure() throws Exception {
        return Optional.ofNullable(
                cluster.miniCluster().getArchivedExecutionGraph(jobId).get().getFailureInfo());
    }

    /** The newest complete retained checkpoint of the current job ({@code chk-N/_metadata}). */
    Path latestCheckpoint() throws IOException {
        Path jobDir = checkpoints.resolve(jobId.toHexString());
        try (Stream<Path> dirs = Files.list(jobDir)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("chk-"))
                    .filter(d -> Files.exists(d.resolve("_metadata")))
                    .max(
                            Comparator.comparingLong(
                                    d -> Long.parseLong(d.getFileName().toString().substring(4))))
                    .orElseThrow(
                            () -> new AssertionError("no retained checkpoint under " + jobDir));
        }
    }

    Connection openWarehouse() throws SQLException {
        return warehouse.open();
    }

    private void awaitStatus(JobStatus expected) {
        await("job " + jobId + " " + expected)
                .atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(
                        () -> {
                            JobStatus status = status();
                            if (status == JobStatus.FAILED) {
                                // stop waiting at once, and say why
                                throw new IllegalStateException(
                                        "job "
                                                + jobId
                                                + " failed: "
                                                + failure()
                                                        .map(ErrorInfo::getExceptionAsString)
                                                        .orElse("no failure recorded"));
                            }
                            assertThat(status).isEqualTo(expected);
                        });
    }

    @Override
    public void close() throws Exception {
        try {
            if (jobId != null && !status().isGloballyTerminalState()) {
                cluster.miniCluster().cancelJob(jobId).get();
            }
        } finally {
            cluster.close();
        }
    }

    /** The warehouse settings of a fresh database on the shared PostgreSQL server. */
    static Map<String, String> warehouseSettings(String jdbcUrl, String user, String password) {
        return Map.of(
                "warehouse.jdbc-url", jdbcUrl,
                "warehouse.username", user,
                "warehouse.password", password);
    }

    static Map<String, String> merge(List<Map<String, String>> parts) {
        Map<String, String> all = new LinkedHashMap<>();
        parts.forEach(all::putAll);
        return all;
    }
}
