package io.streamwarehouse.local.turnstile;

import static io.streamwarehouse.local.turnstile.TurnstileAssertions.assertLoadedOnce;
import static io.streamwarehouse.local.turnstile.TurnstileAssertions.assertMatchesOracle;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.jobs.RetainedCheckpoints;
import io.streamwarehouse.jobs.TurnstileAggregatesJob;
import io.streamwarehouse.local.cli.CliProcess;
import io.streamwarehouse.local.services.KafkaExtension;
import io.streamwarehouse.local.services.PostgresExtension;
import io.streamwarehouse.local.turnstile.WarehouseTables.Table;
import io.streamwarehouse.samples.turnstile.TurnstileWeekGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same command after a crash resumes: {@code ./pipeline run turnstile-aggregates} killed with
 * SIGKILL mid-replay, after a few checkpoints and with readings published that no checkpoint holds,
 * then run again exactly as before. It must say it resumes the dead run's newest checkpoint, and
 * end with every window equal to the SQL oracle and every row loaded once.
 */
class TurnstileCrashResumeITCase {
    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    private static final TurnstileWeekGenerator WEEK = new TurnstileWeekGenerator(131L);
    private static final Duration TIMEOUT = Duration.ofMinutes(4);

    @TempDir Path dir;

    @Test
    void theSameCommandAfterAKillResumesTheNewestCheckpoint() throws Exception {
        String topic = KAFKA.newTopic("crash");
        PipelineConfig config =
                TurnstileJobRun.config(
                        POSTGRES,
                        POSTGRES.newDatabase("crash"),
                        KAFKA,
                        topic,
                        dir.resolve("checkpoints"),
                        // a fresh start would resume the committed offsets without the counter
                        // baselines: the delta across the crash lost for every turnstile
                        Map.of("turnstile.start-from", "committed"));
        WarehouseTables warehouse = new WarehouseTables(config);
        Corpus corpus =
                Corpus.inOrderThenFlush(
                        WEEK.readings(),
                        TurnstileRejectsITCase.brokenMtaRecords(),
                        25,
                        WEEK.start().plusDays(9).atStartOfDay());
        int chunk = corpus.unpublished() / 3 + 1;
        Map<String, String> environment = environment(config);
        String[] args = {"run", "turnstile-aggregates", "--web-port", "0"};

        try (KafkaRecords kafka = new KafkaRecords(KAFKA.bootstrapServers())) {
            corpus.publish(kafka, topic, chunk);
            try (CliProcess first =
                    CliProcess.start(dir.resolve("tmp1"), null, environment, args)) {
                first.awaitLine(l -> l.contains("starting afresh"), TIMEOUT);
                Poll.until(
                        "windows committed and a few checkpoints",
                        TIMEOUT,
                        () -> warehouse.count(Table.STATION_WINDOW) > 0 && checkpoint() >= 3);
                // readings no checkpoint will hold, then the process dies without a word
                corpus.publish(kafka, topic, chunk);
                Poll.until("two more checkpoints", TIMEOUT, () -> checkpoint() >= 5);
                corpus.publish(kafka, topic, 200);
                first.kill();
            }
            long beforeResume = checkpoint();

            corpus.publish(kafka, topic);
            SqlOracle.install(warehouse, SqlOracle.Format.MTA_CSV, config, corpus.good());
            long stationRows = warehouse.count0("expected.station_window");
            long turnstileRows = warehouse.count0("expected.turnstile_window");
            try (CliProcess second =
                    CliProcess.start(dir.resolve("tmp2"), null, environment, args)) {
                String first = second.awaitLine(l -> l.contains("turnstile-aggregates:"), TIMEOUT);
                assertThat(first)
                        .as("its first line says which checkpoint it resumes")
                        .contains("resuming from")
                        .contains("chk-" + beforeResume);
                Poll.until(
                        "every window of the oracle",
                        TIMEOUT,
                        () ->
                                warehouse.count(Table.STATION_WINDOW) == stationRows
                                        && warehouse.count(Table.TURNSTILE_WINDOW) == turnstileRows
                                        && warehouse.count(Table.REJECTS) == corpus.rejects());
                long caughtUp = checkpoint();
                Poll.until("two more checkpoints", TIMEOUT, () -> checkpoint() >= caughtUp + 2);
            }
        }
        assertMatchesOracle(warehouse, Table.STATION_WINDOW);
        assertMatchesOracle(warehouse, Table.TURNSTILE_WINDOW);
        assertMatchesOracle(warehouse, Table.ANOMALIES);
        assertLoadedOnce(warehouse);
        corpus.assertRejected(warehouse, topic);
    }

    /**
     * A retained checkpoint whose state files are gone (a cleanup that went too far) stops the run
     * with one line naming it and what to do, instead of restarting on it for ever.
     */
    @Test
    void aCheckpointWhoseFilesAreGoneStopsTheRunWithOneLine() throws Exception {
        String topic = KAFKA.newTopic("lost");
        PipelineConfig config =
                TurnstileJobRun.config(
                        POSTGRES,
                        POSTGRES.newDatabase("lost"),
                        KAFKA,
                        topic,
                        dir.resolve("checkpoints"),
                        Map.of());
        Map<String, String> environment = environment(config);
        String[] args = {"run", "turnstile-aggregates", "--web-port", "0"};
        try (KafkaRecords kafka = new KafkaRecords(KAFKA.bootstrapServers())) {
            Corpus.weekThenFlush(WEEK).publish(kafka, topic);
            try (CliProcess first =
                    CliProcess.start(dir.resolve("tmp1"), null, environment, args)) {
                Poll.until("a few checkpoints", TIMEOUT, () -> checkpoint() >= 3);
                first.kill();
            }
        }
        List<Path> stateFiles;
        try (Stream<Path> files = Files.walk(dir.resolve("checkpoints"))) {
            stateFiles =
                    files.filter(Files::isRegularFile)
                            .filter(f -> !f.getFileName().toString().equals("_metadata"))
                            .toList();
        }
        assertThat(stateFiles).as("state files beside the metadata").isNotEmpty();
        for (Path file : stateFiles) {
            Files.delete(file);
        }

        try (CliProcess second = CliProcess.start(dir.resolve("tmp2"), null, environment, args)) {
            assertThat(second.waitForExit(TIMEOUT)).isNotZero();
            assertThat(second.allOutput())
                    .contains("resuming from")
                    .contains("the job cannot restore " + "file:")
                    .contains("--fresh");
        }
    }

    /** The settings as the environment a user would export: no password in the arguments. */
    private static Map<String, String> environment(PipelineConfig config) {
        Map<String, String> environment = new HashMap<>();
        config.values()
                .forEach(
                        (key, value) ->
                                environment.put(
                                        "PIPELINE_"
                                                + key.toUpperCase(Locale.ROOT)
                                                        .replaceAll("[.-]", "_"),
                                        value));
        return environment;
    }

    /** The number of the newest complete checkpoint the runs left, 0 if none. */
    private long checkpoint() throws Exception {
        PipelineConfig config =
                PipelineConfig.of(
                        Map.of("checkpoint.dir", dir.resolve("checkpoints").toUri().toString()));
        return RetainedCheckpoints.newest(config, new TurnstileAggregatesJob())
                .map(p -> Long.parseLong(p.getName().substring("chk-".length())))
                .orElse(0L);
    }
}
