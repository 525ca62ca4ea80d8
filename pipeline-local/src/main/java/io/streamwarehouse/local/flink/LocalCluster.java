package io.streamwarehouse.local.flink;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.customer.SourceSchemaChanged;
import io.streamwarehouse.customer.source.SourceLogGone;
import io.streamwarehouse.jobs.JobRuntime;
import io.streamwarehouse.jobs.PipelineJob;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.executiongraph.ErrorInfo;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A Flink mini cluster with the web UI, in this JVM, that runs the product's jobs exactly as a real
 * cluster would run them (same topology, RocksDB, checkpoints), so {@code ./pipeline run} and the
 * sandbox show what production shows.
 */
public final class LocalCluster implements AutoCloseable {
    private final MiniCluster miniCluster;

    private LocalCluster(MiniCluster miniCluster) {
        this.miniCluster = miniCluster;
    }

    /** Where the web UI and REST API listen unless told otherwise: this machine only. */
    public static final String LOOPBACK = "127.0.0.1";

    /** As {@link #start(String, int, int)} on {@value #LOOPBACK}. */
    public static LocalCluster start(int webPort, int slots) throws Exception {
        return start(LOOPBACK, webPort, slots);
    }

    /**
     * @param webAddress address the web UI and REST API bind to. The REST API runs any jar it is
     *     sent and shows the cluster's configuration, and has no authentication: anything but
     *     loopback lets the network do that.
     * @param webPort port of the web UI and REST API; 0 picks a free one
     * @param slots task slots, one per parallel operator chain of all jobs together
     */
    public static LocalCluster start(String webAddress, int webPort, int slots) throws Exception {
        if (webPort != 0) {
            requireFree(webAddress, webPort);
        }
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, webAddress);
        conf.set(RestOptions.ADDRESS, LOOPBACK.equals(webAddress) ? LOOPBACK : webAddress);
        conf.set(RestOptions.PORT, webPort);
        // The blob server and RPC endpoints of the mini cluster serve only this JVM: never the
        // network, whatever the web address is.
        conf.set(JobManagerOptions.BIND_HOST, LOOPBACK);
        conf.set(JobManagerOptions.ADDRESS, LOOPBACK);
        conf.set(TaskManagerOptions.BIND_HOST, LOOPBACK);
        conf.set(TaskManagerOptions.HOST, LOOPBACK);
        // RocksDB takes its memory from here; both jobs hold a dozen stateful operators
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("1g"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("64m"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("64m"));
        MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(conf)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(slots)
                                .build());
        cluster.start();
        return new LocalCluster(cluster);
    }

    private static void requireFree(String address, int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(address))) {
            socket.setReuseAddress(true);
        } catch (IOException e) {
            throw new LocalClusterException(
                    "port " + port + " is already in use",
                    "pass --web-port with another port, or 0 to pick a free one");
        }
    }

    /** Builds the job as the cluster entrypoint would and submits it. */
    public JobID submit(PipelineJob job, PipelineConfig config, String fromSavepoint)
            throws Exception {
        return submit(job, config, fromSavepoint, null);
    }

    /**
     * As above, under a fixed job id when {@code fixedId} is not null, as application mode runs its
     * job: a restore from an older savepoint then repeats checkpoint numbers of that id.
     */
    public JobID submit(PipelineJob job, PipelineConfig config, String fromSavepoint, JobID fixedId)
            throws Exception {
        job.preflight(config);
        StreamExecutionEnvironment env =
                JobRuntime.configure(
                        StreamExecutionEnvironment.getExecutionEnvironment(
                                JobRuntime.flinkSettings(config)),
                        config);
        job.build(env, config);
        var streamGraph = env.getStreamGraph();
        streamGraph.setJobName(job.name());
        JobGraph graph = streamGraph.getJobGraph();
        if (fromSavepoint != null) {
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(fromSavepoint));
        }
        if (fixedId != null) {
            graph.setJobID(fixedId);
        }
        return miniCluster.submitJob(graph).get().getJobID();
    }

    /**
     * Fails with the one line a user must see if the job failed in a way no restart can mend: its
     * source's change log no longer holds its position (the job is cancelled, should it still be
     * restarting), or a source schema change it must not run through.
     */
    public void checkUnrecoverable(JobID job) throws Exception {
        String failure = failure(job);
        if (SourceLogGone.isCause(failure)) {
            if (!status(job).isGloballyTerminalState()) {
                miniCluster.cancelJob(job).get();
            }
            throw new LocalClusterException(SourceLogGone.MESSAGE, SourceLogGone.RECOVERY);
        }
        String line = SourceSchemaChanged.messageIn(failure);
        if (line != null) {
            throw new LocalClusterException(line, "README, Operations: source schema changes");
        }
    }

    /** Flink's words for state it could not restore, on the JobManager or in a task. */
    private static final Pattern RESTORE_FAILED =
            Pattern.compile(
                    "Exception while creating StreamOperatorStateContext|Could not restore"
                            + "|Failed to rollback to checkpoint/savepoint"
                            + "|Cannot map checkpoint/savepoint state");

    /**
     * A run resumed from a checkpoint or savepoint whose state cannot be restored (files missing,
     * state incompatible with the job) ends with one line, instead of restarting on it for ever.
     */
    public void checkRestorable(JobID job, String restoredFrom) throws Exception {
        String failure = failure(job);
        if (failure == null || !RESTORE_FAILED.matcher(failure).find()) {
            return;
        }
        if (!status(job).isGloballyTerminalState()) {
            miniCluster.cancelJob(job).get();
        }
        String cause =
                failure.lines()
                        .filter(l -> l.startsWith("Caused by: "))
                        .reduce((first, last) -> last)
                        .orElse(failure.lines().findFirst().orElse(""))
                        .replaceFirst("^Caused by: ", "");
        throw new LocalClusterException(
                "the job cannot restore " + restoredFrom + ": " + cause,
                "start afresh with --fresh, or name another checkpoint or savepoint with"
                        + " --from-savepoint");
    }

    /** The job's latest failure as text, or null if it has not failed. */
    private String failure(JobID job) throws Exception {
        ErrorInfo failure = miniCluster.getArchivedExecutionGraph(job).get().getFailureInfo();
        return failure == null ? null : failure.getExceptionAsString();
    }

    public JobStatus status(JobID job) throws Exception {
        return miniCluster.getJobStatus(job).get();
    }

    public URI webUrl() throws Exception {
        return miniCluster.getRestAddress().get();
    }

    public MiniCluster miniCluster() {
        return miniCluster;
    }

    /** Cancels running jobs first, so tasks end as cancelled rather than failing on shutdown. */
    @Override
    public void close() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try {
            List<JobID> running = new ArrayList<>();
            for (var job : miniCluster.listJobs().get(10, TimeUnit.SECONDS)) {
                if (!job.getJobState().isGloballyTerminalState()) {
                    miniCluster.cancelJob(job.getJobId());
                    running.add(job.getJobId());
                }
            }
            for (JobID job : running) {
                miniCluster
                        .requestJobResult(job)
                        .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (Exception e) {
            // shutting down anyway: closing the cluster below stops whatever is left
        } finally {
            // bounded: a task that does not react to cancellation must not keep Ctrl-C waiting
            try {
                miniCluster.closeAsync().get(15, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                System.err.println(
                        "flink: the local cluster did not stop within 45 s, exiting without it;"
                                + " tasks still running: "
                                + tasksStillRunning());
            }
        }
    }

    /** The task threads still alive, each with the frame it is in: what held the shutdown up. */
    private static String tasksStillRunning() {
        StringBuilder tasks = new StringBuilder();
        Thread.getAllStackTraces()
                .forEach(
                        (thread, frames) -> {
                            if (thread.getName().matches(".* \\(\\d+/\\d+\\)#\\d+")
                                    && frames.length > 0) {
                                tasks.append(tasks.length() == 0 ? "" : "; ")
                                        .append(thread.getName())
                                        .append(" at ")
                                        .append(frames[0]);
                            }
                        });
        return tasks.length() == 0 ? "none" : tasks.toString();
    }

    /** What a user can mend (a port, a source), with the hint that says how. */
    public static final class LocalClusterException extends IllegalStateException {
        private static final long serialVersionUID = 1L;
        private final String hint;

        LocalClusterException(String message, String hint) {
            super(message);
            this.hint = hint;
        }

        public String hint() {
            return hint;
        }
    }
}
