package io.streamwarehouse.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwarehouse.config.PipelineConfig;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which checkpoint a run resumes when both jobs share one {@code checkpoint.dir}. */
class RetainedCheckpointsTest {
    @TempDir Path dir;

    private static final String TURNSTILE_RUN = "0".repeat(31) + "1";
    private static final String CUSTOMER_RUN = "0".repeat(31) + "2";
    private static final String OTHER_TURNSTILE_RUN = "0".repeat(31) + "3";

    @Test
    void theNewestCompleteCheckpointOfTheJobsOwnRunsInASharedDirectory() throws Exception {
        PipelineConfig config = PipelineConfig.of(Map.of("checkpoint.dir", dir.toUri().toString()));
        PipelineJob turnstile = new TurnstileAggregatesJob();
        PipelineJob customer = new CustomerDimensionJob();
        assertThat(RetainedCheckpoints.newest(config, turnstile)).isEmpty();

        checkpoint(TURNSTILE_RUN, 4, turnstile, 1_000);
        checkpoint(OTHER_TURNSTILE_RUN, 9, turnstile, 2_000);
        checkpoint(CUSTOMER_RUN, 12, customer, 3_000);
        // begun, never completed: no _metadata
        Files.createDirectories(dir.resolve(TURNSTILE_RUN).resolve("chk-10"));
        Files.createDirectories(dir.resolve("shared"));

        assertThat(RetainedCheckpoints.newest(config, turnstile).map(Object::toString))
                .hasValueSatisfying(p -> assertThat(p).endsWith(OTHER_TURNSTILE_RUN + "/chk-9"));
        assertThat(RetainedCheckpoints.newest(config, customer).map(Object::toString))
                .hasValueSatisfying(p -> assertThat(p).endsWith(CUSTOMER_RUN + "/chk-12"));
    }

    @Test
    void theJobsNameFillsItsPlaceInTheDirectory() {
        PipelineConfig config =
                PipelineConfig.of(Map.of("checkpoint.dir", "file:///data/checkpoints/{job}"));
        assertThat(RetainedCheckpoints.directory(config, "turnstile-aggregates"))
                .hasToString("file:/data/checkpoints/turnstile-aggregates");
    }

    /** A checkpoint holding state of the job's source, its metadata written at {@code time}. */
    private void checkpoint(String run, long id, PipelineJob job, long time) throws Exception {
        Path checkpoint = Files.createDirectories(dir.resolve(run).resolve("chk-" + id));
        OperatorID source = RetainedCheckpoints.operatorId(job.sourceUid());
        CheckpointMetadata metadata =
                new CheckpointMetadata(id, List.of(new OperatorState(source, 1, 128)), List.of());
        Path file = checkpoint.resolve("_metadata");
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            Checkpoints.storeCheckpointMetadata(metadata, out);
        }
        Files.setLastModifiedTime(file, FileTime.fromMillis(time));
    }
}
