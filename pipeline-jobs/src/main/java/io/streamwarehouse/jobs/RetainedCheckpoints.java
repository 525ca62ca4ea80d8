package io.streamwarehouse.jobs;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.config.PipelineOptions;
import java.io.DataInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.shaded.guava31.com.google.common.hash.Hashing;

/**
 * The checkpoints earlier runs of a job left in its {@code checkpoint.dir}: the jobs retain them on
 * cancellation, and a run killed outright leaves its last one behind too. A run resumes the newest
 * by default, so the same command after a crash picks up where the dead run was.
 */
public final class RetainedCheckpoints {
    private static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern CHECKPOINT = Pattern.compile("chk-\\d+");

    private RetainedCheckpoints() {}

    /** The job's checkpoint directory, {@code {job}} replaced by its name. */
    public static Path directory(PipelineConfig config, String jobName) {
        return new Path(
                config.get(PipelineOptions.CHECKPOINT_DIR)
                        .replace(JobRuntime.JOB_PLACEHOLDER, jobName));
    }

    /**
     * The newest complete checkpoint ({@code chk-N} whose {@code _metadata}, written last, exists)
     * of any run of the job under the directory, newest by the time its metadata was written; empty
     * if none.
     */
    public static Optional<Path> newest(PipelineConfig config, PipelineJob job) throws IOException {
        return newest(directory(config, job.name()), operatorId(job.sourceUid()));
    }

    static Optional<Path> newest(Path directory, OperatorID source) throws IOException {
        FileSystem fs = directory.getFileSystem();
        if (!fs.exists(directory)) {
            return Optional.empty();
        }
        Path newest = null;
        long newestTime = Long.MIN_VALUE;
        for (FileStatus run : list(fs, directory)) {
            // Checkpoints only: a savepoint is restored by naming it (--from-savepoint).
            if (!run.isDir() || !JOB_ID.matcher(run.getPath().getName()).matches()) {
                continue;
            }
            for (FileStatus checkpoint : list(fs, run.getPath())) {
                if (!checkpoint.isDir()
                        || !CHECKPOINT.matcher(checkpoint.getPath().getName()).matches()) {
                    continue;
                }
                Path metadata = new Path(checkpoint.getPath(), "_metadata");
                try {
                    if (fs.exists(metadata) && holds(metadata, source)) {
                        long written = fs.getFileStatus(metadata).getModificationTime();
                        if (written > newestTime) {
                            newest = checkpoint.getPath();
                            newestTime = written;
                        }
                    }
                } catch (FileNotFoundException subsumed) {
                    // a running job removed it while we looked: a newer one took its place
                }
            }
        }
        return Optional.ofNullable(newest);
    }

    /** Whether the checkpoint has state of this operator: is the job's, not another's. */
    private static boolean holds(Path metadata, OperatorID operator) throws IOException {
        try (DataInputStream in = new DataInputStream(metadata.getFileSystem().open(metadata))) {
            CheckpointMetadata loaded =
                    Checkpoints.loadCheckpointMetadata(
                            in, RetainedCheckpoints.class.getClassLoader(), metadata.toString());
            return loaded.getOperatorStates().stream()
                    .anyMatch(state -> state.getOperatorID().equals(operator));
        }
    }

    /** The operator id Flink derives from a uid (StreamGraphHasherV2). */
    static OperatorID operatorId(String uid) {
        return new OperatorID(
                Hashing.murmur3_128(0).hashString(uid, StandardCharsets.UTF_8).asBytes());
    }

    private static FileStatus[] list(FileSystem fs, Path directory) throws IOException {
        try {
            FileStatus[] entries = fs.listStatus(directory);
            return entries == null ? new FileStatus[0] : entries;
        } catch (FileNotFoundException gone) {
            return new FileStatus[0];
        }
    }
}
