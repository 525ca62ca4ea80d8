package io.streamwarehouse.warehouse;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;

/**
 * The rows one writer subtask buffered up to one checkpoint. Its identity (job run, checkpoint,
 * subtask) is fixed when the checkpoint is taken and travels with it through state, so a load
 * restored into a new job run or another subtask is still recognised as the same load.
 */
public final class Load<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    public final String jobName;
    public final String jobId;
    public final long checkpointId;
    public final int subtask;
    public final long startedAtMillis;
    public final List<T> rows;

    public Load(
            String jobName,
            String jobId,
            long checkpointId,
            int subtask,
            long startedAtMillis,
            List<T> rows) {
        this.jobName = jobName;
        this.jobId = jobId;
        this.checkpointId = checkpointId;
        this.subtask = subtask;
        this.startedAtMillis = startedAtMillis;
        this.rows = rows;
    }

    public Instant startedAt() {
        return Instant.ofEpochMilli(startedAtMillis);
    }

    @Override
    public String toString() {
        return "Load{"
                + jobName
                + "/"
                + jobId
                + " checkpoint "
                + checkpointId
                + " subtask "
                + subtask
                + ", "
                + rows.size()
                + " rows}";
    }
}
