package io.streamwarehouse.local.cluster;

import static io.streamwarehouse.local.cluster.FlinkProcessCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamwarehouse.customer.source.SourceDialect;
import io.streamwarehouse.customer.source.SourceSchema;
import io.streamwarehouse.local.replay.TopicPublisher;
import io.streamwarehouse.local.replay.WeeklyFiles;
import io.streamwarehouse.local.services.KafkaExtension;
import io.streamwarehouse.local.services.MariaDbExtension;
import io.streamwarehouse.local.services.PostgresExtension;
import io.streamwarehouse.samples.customer.ChangeSimulator;
import io.streamwarehouse.samples.customer.SakilaSampleData;
import io.streamwarehouse.samples.turnstile.TurnstileWeekGenerator;
import io.streamwarehouse.warehouse.Migrations;
import io.streamwarehouse.warehouse.WarehouseConnection;
import io.streamwarehouse.warehouse.WarehouseRoles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both jobs on a real standalone Flink cluster (a JobManager and TaskManager processes of their
 * own), driven only through the deploy scripts and the REST API, against real Kafka, MariaDB and
 * PostgreSQL.
 *
 * <p>Every interrupted run is compared with a reference run of the same input that nothing
 * interrupted. A turnstile run that lost state would differ: counter deltas need the previous
 * reading of each turnstile, and open windows hold partial sums, so a restart without state drops
 * deltas at the interruption and cuts the windows around it short; a run that re-read its input
 * would write window rows twice, which the load audit counts as updates. A customer run that lost
 * state would snapshot the source again, which shows in its metrics and in the staging audit.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterOperationsITCase {
    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
    @RegisterExtension static final MariaDbExtension MARIADB = new MariaDbExtension();

    @TempDir static Path home;

    private static final String JOB = "turnstile-aggregates";
    private static final String PARSED = "turnstileRecordsParsed";
    private static final Duration PATIENCE = Duration.ofSeconds(180);
    private static final String CDC_USER = "cluster_cdc";
    private static final String CDC_PASSWORD = "cdc-" + UUID.randomUUID();
    private static final String JOB_USER = "cluster_job";
    private static final String JOB_PASSWORD = "job-" + UUID.randomUUID();

    /** What the job writes, minus load timestamps and the run's own topic name. */
    private static final Map<String, String> TABLES = new LinkedHashMap<>();

    static {
        TABLES.put(
                "turnstile_window",
                "SELECT window_start, window_end, ca, unit, scp, station, linename, division,"
                        + " reading_date, description, entries, exits, readings"
                        + " FROM warehouse.turnstile_window ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10");
        TABLES.put(
                "station_window",
                "SELECT window_start, window_end, station, linename, entries, exits, readings,"
                        + " turnstiles FROM warehouse.station_window ORDER BY 1, 2, 3, 4");
        TABLES.put(
                "turnstile_anomalies",
                "SELECT ca, unit, scp, station, reading_time, counter, kind, previous_time,"
                        + " previous_value, current_value, delta, threshold"
                        + " FROM warehouse.turnstile_anomalies ORDER BY 1, 2, 3, 4, 5, 6");
        TABLES.put(
                "turnstile_rejects",
                "SELECT kafka_partition, kafka_offset, reason, detail, md5(raw_payload)"
                        + " FROM warehouse.turnstile_rejects ORDER BY 1, 2");
    }

    /**
     * What the customer job writes that two runs over the same binlog share: the dimension without
     * load and snapshot times, and every change read from the binlog (snapshot reads carry the time
     * of their own snapshot, so only their number is compared).
     */
    private static final Map<String, String> CUSTOMER_TABLES = new LinkedHashMap<>();

    static {
        CUSTOMER_TABLES.put(
                "dim_customer",
                "SELECT customer_id, store_id, first_name, last_name, email, active, create_date,"
                        + " address_id, address, address2, district, postal_code, phone, city_id,"
                        + " city, country_id, country, is_deleted FROM warehouse.dim_customer"
                        + " ORDER BY customer_id");
        CUSTOMER_TABLES.put(
                "binlog_changes",
                "SELECT source_table, record_key, source_position, operation, before_image,"
                        + " after_image FROM staging.customer_changes WHERE operation <> 'r'"
                        + " ORDER BY source_position, source_table, record_key");
        CUSTOMER_TABLES.put(
                "snapshot_reads",
                "SELECT source_table, count(*) FROM staging.customer_changes"
                        + " WHERE operation = 'r' GROUP BY source_table ORDER BY source_table");
    }

    private static Path root;
    private static FlinkProcessCluster cluster;
    private static DeployScripts scripts;
    private static List<WeeklyFiles.Line> week;
    private static List<WeeklyFiles.Line> firstHalf;
    private static List<WeeklyFiles.Line> secondHalf;
    private static Run referenceRun;
    private static Map<String, List<String>> reference;

    /** One job run's own database, topic and job arguments. */
    record Run(String name, WarehouseContents warehouse, String topic, List<String> jobArgs) {}

    @BeforeAll
    static void startCluster() throws Exception {
        root = DeployScripts.projectRoot();
        Path file = home.resolve("week.csv");
        new TurnstileWeekGenerator(7).writeWeeklyFile(file);
        week = WeeklyFiles.read(List.of(file));
        firstHalf = week.subList(0, week.size() / 2);
        secondHalf = week.subList(week.size() / 2, week.size());
        long started = System.nanoTime();
        // the jobs write as a member of warehouse_writer; the tests migrate as the owner
        try (Connection admin = POSTGRES.service().openConnection("postgres")) {
            WarehouseRoles.createJobLogin(admin, JOB_USER, JOB_PASSWORD);
        }
        // Credentials and the broker reach the JobManager as environment variables, the way a
        // Kubernetes secret does; per-run settings go in as job arguments.
        cluster =
                FlinkProcessCluster.start(
                        clusterHome(),
                        root.resolve("deploy/flink/config.yaml"),
                        4,
                        Map.of(
                                "PIPELINE_WAREHOUSE_USERNAME", JOB_USER,
                                "PIPELINE_WAREHOUSE_PASSWORD", JOB_PASSWORD,
                                "PIPELINE_KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
                                "PIPELINE_SOURCE_USERNAME", CDC_USER,
                                "PIPELINE_SOURCE_PASSWORD", CDC_PASSWORD));
        System.out.printf(
                "cluster up at %s in %.1f s%n",
                cluster.restUrl(), (System.nanoTime() - started) / 1e9);
        scripts = new DeployScripts(root, cluster.restUrl());
    }

    /**
     * Cancels what a test left running (a failed test does not get to its own cleanup), so its jobs
     * do not hold the slots the next test needs. The turnstile reference run is kept until its
     * result has been read.
     */
    @AfterEach
    void cancelLeftoverJobs() {
        List<String> cancelled = new ArrayList<>();
        for (JsonNode job : cluster.get("/jobs/overview").path("jobs")) {
            String id = job.path("jid").asText();
            boolean ended =
                    List.of("FINISHED", "CANCELED", "FAILED").contains(job.path("state").asText());
            if (!ended && !(id.equals(referenceJob) && reference == null)) {
                cluster.patch("/jobs/" + id + "?mode=cancel");
                cancelled.add(id);
            }
        }
        for (String id : cancelled) {
            await(
                    PATIENCE,
                    () -> List.of("CANCELED", "FINISHED", "FAILED").contains(cluster.jobState(id)),
                    "job " + id + " to end");
        }
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void runsOnTheClusterAndRecoversFromALostTaskManager() throws Exception {
        startReference();
        Run run = newRun("failover");
        publish(run, firstHalf);

        DeployScripts.Result submitted = scripts.run("submit.sh", run.jobArgs());
        String job = succeeded(submitted);
        assertThat(job).matches("[0-9a-f]{32}");
        assertThat(cluster.allTasksRunning(job)).isTrue();

        awaitParsed(job, firstHalf.size());
        awaitCheckpoints(job, 2);
        await(
                PATIENCE,
                () -> run.warehouse().count("SELECT count(*) FROM warehouse.station_window") > 0,
                "the first loads in the warehouse");
        // the pipeline's own metrics, over REST and in the Prometheus reporter's page
        awaitMetric(job, "turnstileReadings", firstHalf.size());
        assertThat(cluster.metricSum(job, "warehouse.rowsInserted")).isPositive();
        assertThat(cluster.metricSum(job, "warehouse.loadsCommitted")).isPositive();
        assertThat(cluster.metricSum(job, "turnstileRecordsRejected")).isZero();
        String prometheus =
                FlinkProcessCluster.prometheus(cluster.taskManagers().get(0).prometheusPort());
        assertThat(prometheus)
                .contains("flink_taskmanager_job_task_operator_turnstileRecordsParsed")
                .contains("flink_taskmanager_job_task_operator_warehouse_rowsInserted");

        DeployScripts.Result status = scripts.run("status.sh", job);
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.stdout())
                .contains(JOB + " (" + job + "): RUNNING")
                .contains("latest completed: #")
                .contains("Readings | rejects")
                .contains("." + PARSED + " ")
                .contains(".warehouse.rowsInserted ")
                .contains(".pendingRecords ");

        // A savepoint that cannot be written fails the stop, says so, and leaves the job running.
        DeployScripts.Result refused =
                scripts.run("stop.sh", "--target-dir", "file:///dev/null/savepoints", job);
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.stderr())
                .contains("the savepoint of job " + job + " failed")
                .contains("NOT stopped: it is still RUNNING");
        assertThat(refused.stdout()).isEmpty();
        assertThat(cluster.jobState(job)).isEqualTo("RUNNING");

        Map<String, List<String>> expected = reference();

        FlinkProcessCluster.TaskManager lost = cluster.taskManagers().get(0);
        cluster.kill(lost);
        // the second half arrives while the job has no TaskManager to run on
        publish(run, secondHalf);
        await(PATIENCE, () -> !cluster.allTasksRunning(job), "the JobManager to notice the loss");
        FlinkProcessCluster.TaskManager replacement = cluster.startTaskManager();
        await(
                PATIENCE,
                () ->
                        cluster.allTasksRunning(job)
                                && cluster.taskManagersOf(job)
                                        .equals(List.of(replacement.resourceId())),
                "the job to run again, on the new TaskManager");
        // Counters restart with the new attempt: reading exactly the second half means the source
        // resumed from the checkpointed offsets, not from the beginning of the topic.
        awaitParsed(job, secondHalf.size());
        awaitSameRows(run, expected);
        assertEachRowWrittenOnce(run);
        assertThat(
                        cluster.get("/jobs/" + job + "/metrics?get=numRestarts")
                                .get(0)
                                .path("value")
                                .asLong())
                .isPositive();
        cluster.patch("/jobs/" + job + "?mode=cancel");
    }

    @Test
    @Order(2)
    void upgradeFromASavepointToAChangedVersionKeepsTheState() throws Exception {
        startReference();
        Run run = newRun("upgrade");
        publish(run, firstHalf);
        DeployScripts.Result submitted = scripts.run("submit.sh", run.jobArgs());
        String v1 = succeeded(submitted);
        awaitParsed(v1, firstHalf.size());
        awaitCheckpoints(v1, 2);
        await(
                PATIENCE,
                () -> run.warehouse().count("SELECT count(*) FROM warehouse.station_window") > 0,
                "the first loads in the warehouse");

        // An upgrade to a version that cannot start is undone: the old version runs again from
        // the savepoint the upgrade took, and the script says so and fails.
        List<String> brokenUpgrade =
                new ArrayList<>(
                        List.of(
                                "--job-id",
                                v1,
                                "--entry-class",
                                "io.streamwarehouse.jobs.NoSuchMain",
                                "--rollback-jar",
                                DeployScripts.jobJar(root).toString()));
        brokenUpgrade.addAll(run.jobArgs());
        DeployScripts.Result broken = scripts.run("upgrade.sh", brokenUpgrade);
        assertThat(broken.exitCode()).as(broken.toString()).isEqualTo(1);
        assertThat(broken.stderr())
                .contains("NoSuchMain")
                .contains("the new version did not reach RUNNING")
                .contains("FAILED and was rolled back")
                .doesNotContain("ATTENTION");
        assertThat(cluster.jobState(v1)).isEqualTo("FINISHED");
        String rolledBack = broken.value();
        assertThat(rolledBack).matches("[0-9a-f]{32}").isNotEqualTo(v1);
        assertThat(cluster.allTasksRunning(rolledBack)).isTrue();
        assertThat(
                        cluster.get("/jobs/" + rolledBack + "/checkpoints")
                                .path("latest")
                                .path("restored")
                                .path("is_savepoint")
                                .asBoolean())
                .isTrue();

        DeployScripts.Result stopped = scripts.run("stop.sh", rolledBack);
        String savepoint = succeeded(stopped);
        assertThat(Path.of(URI.create(savepoint)).resolve("_metadata")).isRegularFile();
        assertThat(cluster.jobState(rolledBack)).isEqualTo("FINISHED");

        publish(run, secondHalf);
        List<String> v2Args = new ArrayList<>(nextVersionOptions());
        v2Args.addAll(List.of("--savepoint", savepoint));
        v2Args.addAll(run.jobArgs());
        DeployScripts.Result upgraded = scripts.run("submit.sh", v2Args);
        String v2 = succeeded(upgraded);

        JsonNode restored =
                cluster.get("/jobs/" + v2 + "/checkpoints").path("latest").path("restored");
        assertThat(restored.path("external_path").asText()).isEqualTo(savepoint);
        assertThat(restored.path("is_savepoint").asBoolean()).isTrue();
        // the new version runs: its new operator reports its new metric
        await(
                PATIENCE,
                () -> cluster.metricSum(v2, NextJobVersion.METRIC) > 0,
                "the next version's metric");
        // no recount: the new version reads only what arrived after the savepoint
        awaitParsed(v2, secondHalf.size());
        awaitSameRows(run, reference());
        assertEachRowWrittenOnce(run);

        // Rescale the new version to parallelism 2: keyed state is split over two subtasks.
        List<String> rescaleArgs = new ArrayList<>(List.of("--parallelism", "2", "--job-id", v2));
        rescaleArgs.addAll(nextVersionOptions());
        rescaleArgs.addAll(run.jobArgs());
        DeployScripts.Result rescaled = scripts.run("rescale.sh", rescaleArgs);
        String v3 = succeeded(rescaled);
        assertThat(cluster.get("/jobs/" + v3).path("vertices"))
                .allSatisfy(vertex -> assertThat(vertex.path("parallelism").asInt()).isEqualTo(2));
        awaitCheckpoints(v3, 2);
        assertThat(run.warehouse().rows(TABLES)).isEqualTo(reference());
        assertEachRowWrittenOnce(run);
        cluster.patch("/jobs/" + v3 + "?mode=cancel");
    }

    @Test
    @Order(3)
    void customerDimensionUpgradesFromASavepointWithoutReadingItsSourceAgain() throws Exception {
        String source = MARIADB.newDatabase("sakila");
        SakilaSampleData sample = SakilaSampleData.generate(2005L);
        try (Connection c = MARIADB.service().openConnection(source)) {
            SourceSchema.createTables(c, SourceDialect.MYSQL);
            sample.loadInto(c, SourceDialect.MYSQL);
        }
        MARIADB.service().createCdcUser(CDC_USER, CDC_PASSWORD, source);
        ChangeSimulator simulator = ChangeSimulator.forSample(sample, SourceDialect.MYSQL, 17L);
        // each CDC source needs a server-id range of its own
        Run referenceCustomers = newCustomerRun("customer_reference", source, "5601-5604");
        Run run = newCustomerRun("customer_upgrade", source, "5611-5614");

        CompletableFuture<DeployScripts.Result> referenceSubmit =
                CompletableFuture.supplyAsync(
                        () -> runScript("submit.sh", referenceCustomers.jobArgs()));
        DeployScripts.Result submitted = scripts.run("submit.sh", run.jobArgs());
        String v1 = succeeded(submitted);
        DeployScripts.Result referenceSubmitted = referenceSubmit.join();
        String customerReference = succeeded(referenceSubmitted);

        applyChanges(
                source,
                simulator,
                List.of(
                        ChangeSimulator.Kind.UPDATE_NAME,
                        ChangeSimulator.Kind.MOVE_ADDRESS,
                        ChangeSimulator.Kind.INSERT_CUSTOMER,
                        ChangeSimulator.Kind.UPDATE_EMAIL));
        Map<String, List<String>> expected =
                settled(customerReference, referenceCustomers, CUSTOMER_TABLES);
        assertThat(expected.get("dim_customer"))
                .as("the uninterrupted run's dimension, with the customer inserted after its start")
                .hasSizeGreaterThan(SakilaSampleData.CUSTOMERS);
        awaitSameRows(run, expected, CUSTOMER_TABLES);
        long snapshotted = run.warehouse().count("SELECT count(*) FROM staging.customer_changes");
        awaitMetric(v1, "customerChangesRead", snapshotted);

        DeployScripts.Result stopped = scripts.run("stop.sh", v1);
        String savepoint = succeeded(stopped);
        long stagedBefore = run.warehouse().count("SELECT count(*) FROM staging.customer_changes");

        // Changes the next version can only apply with the join state it restores: a renamed city
        // and a changed shared address reach their customers' rows through that state, since the
        // customers themselves are not read again.
        applyChanges(
                source,
                simulator,
                List.of(
                        ChangeSimulator.Kind.CITY_RENAME,
                        ChangeSimulator.Kind.SHARED_ADDRESS_CHANGE,
                        ChangeSimulator.Kind.MOVE_ADDRESS,
                        ChangeSimulator.Kind.DELETE_CUSTOMER,
                        ChangeSimulator.Kind.NO_OP_UPDATE,
                        ChangeSimulator.Kind.UPDATE_EMAIL));
        List<String> nextArgs = new ArrayList<>(nextVersionOptions());
        nextArgs.addAll(List.of("--savepoint", savepoint));
        nextArgs.addAll(run.jobArgs());
        DeployScripts.Result upgraded = scripts.run("submit.sh", nextArgs);
        String v2 = succeeded(upgraded);

        Map<String, List<String>> expectedAfter =
                settled(customerReference, referenceCustomers, CUSTOMER_TABLES);
        assertThat(expectedAfter)
                .as("the uninterrupted run's warehouse after the changes made behind the savepoint")
                .isNotEqualTo(expected);
        awaitSameRows(run, expectedAfter, CUSTOMER_TABLES);
        // the next version runs: its new operator counted the dimension rows it saw
        await(
                PATIENCE,
                () -> cluster.metricSum(v2, NextJobVersion.METRIC) > 0,
                "the next version's metric");
        long stagedAfter = run.warehouse().count("SELECT count(*) FROM staging.customer_changes");
        // no second snapshot: the next version read exactly the changes made after the savepoint
        awaitMetric(v2, "customerChangesRead", stagedAfter - stagedBefore);
        assertThat(run.warehouse().auditTotals().get("staging.customer_changes"))
                .as("staging rows inserted, updated, deleted, skipped")
                .containsExactly(stagedAfter, 0L, 0L, 0L);
        cluster.patch("/jobs/" + v2 + "?mode=cancel");
        cluster.patch("/jobs/" + customerReference + "?mode=cancel");
    }

    // ---- helpers ----

    /**
     * The cluster's configuration, logs and checkpoint storage: under target/, not in a temporary
     * directory, so the JobManager's and TaskManagers' logs are still there when a test failed.
     */
    private static Path clusterHome() throws IOException {
        Path dir = root.resolve("pipeline-local/target/flink-cluster");
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return Files.createDirectories(dir);
    }

    /** A script run that must have worked; on failure the message carries the JobManager's log. */
    private static String succeeded(DeployScripts.Result result) {
        assertThat(result.exitCode())
                .as(() -> result + "\n--- JobManager\n" + cluster.logTail("jobmanager", 60))
                .isZero();
        return result.value();
    }

    private static Run newCustomerRun(String name, String sourceDatabase, String serverIds)
            throws IOException {
        String database = POSTGRES.newDatabase(name);
        String url = POSTGRES.jdbcUrl(database);
        String user = POSTGRES.service().username();
        String password = POSTGRES.service().password();
        Migrations.apply(new WarehouseConnection(url, user, password, Duration.ofSeconds(30)));
        Path checkpoints = Files.createDirectories(home.resolve("checkpoints").resolve(name));
        List<String> args =
                List.of(
                        "customer-dimension",
                        "--set",
                        "source.hostname=127.0.0.1",
                        "--set",
                        "source.port=" + MARIADB.service().port(),
                        "--set",
                        "source.database=" + sourceDatabase,
                        "--set",
                        "source.server-id=" + serverIds,
                        "--set",
                        "warehouse.jdbc-url=" + url,
                        "--set",
                        "checkpoint.interval=1 s",
                        "--set",
                        "checkpoint.dir=" + checkpoints.toUri());
        return new Run(name, new WarehouseContents(url, user, password), null, args);
    }

    /**
     * docker-compose's submitter after the JobManager lost its jobs (a {@code down}/{@code up} or a
     * recreated JobManager without HA): it finds the job's latest retained checkpoint in the shared
     * directory by the job's name and resumes from it, so nothing is read twice and the warehouse
     * ends as after an uninterrupted run.
     */
    @Test
    @Order(4)
    void composeSubmitterResumesFromTheLatestRetainedCheckpoint() throws Exception {
        // the uninterrupted run first: it has the job's name too, and must be over
        startReference();
        Map<String, List<String>> expected = reference();
        Run run = newRun("resumed");
        Path shared = Files.createDirectories(home.resolve("compose-data"));
        String checkpointDir = "file://" + shared.resolve("checkpoints") + "/{job}";
        // the run's own settings, which compose's JobManager has in its environment instead
        List<String> sets = new ArrayList<>();
        for (String arg : run.jobArgs().subList(1, run.jobArgs().size())) {
            if (!arg.equals("--set") && !arg.startsWith("checkpoint.")) {
                sets.add("--set " + arg);
            }
        }
        sets.add("--set checkpoint.interval=1s");
        sets.add("--set checkpoint.dir=" + checkpointDir);
        Map<String, String> env =
                Map.of(
                        "JOBS",
                        JOB,
                        "JOB_ARGS",
                        String.join(" ", sets),
                        "PIPELINE_JOB_JAR",
                        DeployScripts.jobJar(root).toString(),
                        "RESUME_CHECKPOINT_DIR",
                        shared.resolve("checkpoints").toString() + "/{job}",
                        "RESUME_SAVEPOINT_DIR",
                        shared.resolve("savepoints").toString());
        publish(run, firstHalf);
        DeployScripts.Result first = scripts.run(env, "compose/submit-jobs.sh", List.of());
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.stderr()).contains(JOB + ": no retained checkpoint or savepoint");
        String job = runningJob(JOB);
        awaitParsed(job, firstHalf.size());
        // a savepoint first, then newer checkpoints: the newest of all is a checkpoint
        succeeded(
                scripts.run(
                        "savepoint.sh",
                        "--target-dir",
                        shared.resolve("savepoints").toUri().toString(),
                        job));
        awaitCheckpoints(job, 2);
        cluster.patch("/jobs/" + job + "?mode=cancel");
        await(PATIENCE, () -> cluster.jobState(job).equals("CANCELED"), "job " + job + " to end");
        Path own = shared.resolve("checkpoints").resolve(JOB).resolve(job);
        Path latest;
        try (var dirs = Files.list(own)) {
            latest =
                    dirs.filter(d -> d.getFileName().toString().startsWith("chk-"))
                            .filter(d -> Files.exists(d.resolve("_metadata")))
                            .max(
                                    java.util.Comparator.comparingInt(
                                            d ->
                                                    Integer.parseInt(
                                                            d.getFileName()
                                                                    .toString()
                                                                    .substring(4))))
                            .orElseThrow();
        }
        // another job's checkpoint, newer than all of this job's, is not this job's state
        Path other =
                Files.createDirectories(
                        shared.resolve("checkpoints/customer-dimension")
                                .resolve("0".repeat(31) + "1")
                                .resolve("chk-999"));
        Files.copy(latest.resolve("_metadata"), other.resolve("_metadata"));

        publish(run, secondHalf);
        DeployScripts.Result again = scripts.run(env, "compose/submit-jobs.sh", List.of());
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.stderr()).contains(JOB + ": resuming from " + latest);
        String resumed = runningJob(JOB);
        assertThat(
                        cluster.get("/jobs/" + resumed + "/checkpoints")
                                .path("latest")
                                .path("restored")
                                .path("external_path")
                                .asText())
                .endsWith(latest.getFileName().toString());
        // the resumed job reads only what came after its checkpoint
        awaitParsed(resumed, secondHalf.size());
        awaitSameRows(run, expected);
    }

    /** The one job of this name that is not over. */
    private static String runningJob(String name) {
        List<String> ids = new ArrayList<>();
        for (JsonNode job : cluster.get("/jobs/overview").path("jobs")) {
            if (job.path("name").asText().equals(name)
                    && !List.of("FINISHED", "CANCELED", "FAILED")
                            .contains(job.path("state").asText())) {
                ids.add(job.path("jid").asText());
            }
        }
        assertThat(ids).hasSize(1);
        return ids.get(0);
    }

    private static void applyChanges(
            String database, ChangeSimulator simulator, List<ChangeSimulator.Kind> kinds)
            throws Exception {
        try (Connection c = MARIADB.service().openConnection(database)) {
            for (ChangeSimulator.Kind kind : kinds) {
                System.out.println(
                        "source change: " + simulator.apply(c, simulator.next(kind)).description());
            }
        }
    }

    private static DeployScripts.Result runScript(String script, List<String> args) {
        try {
            return scripts.run(script, args);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * What a run's warehouse holds once the job has caught up: two snapshots of it, a few
     * checkpoints apart, that are equal and not empty.
     */
    private static Map<String, List<String>> settled(
            String job, Run run, Map<String, String> tables) {
        Map<String, List<String>> previous = null;
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            awaitCheckpoints(job, 2);
            Map<String, List<String>> now = run.warehouse().rows(tables);
            if (now.equals(previous) && now.values().stream().anyMatch(rows -> !rows.isEmpty())) {
                return now;
            }
            assertThat(System.nanoTime()).as(run.name() + " settles").isLessThan(deadline);
            previous = now;
        }
    }

    /** The options that make submit.sh run the next version of a job. */
    private static synchronized List<String> nextVersionOptions() throws Exception {
        if (nextVersionJar == null) {
            nextVersionJar = buildNextVersionJar();
        }
        return List.of(
                "--jar",
                nextVersionJar.toString(),
                "--entry-class",
                NextJobVersion.class.getName());
    }

    private static Path nextVersionJar;

    /** Publishes the whole week for the uninterrupted run; idempotent. */
    private static synchronized void startReference() throws Exception {
        if (referenceRun != null) {
            return;
        }
        referenceRun = newRun("reference");
        publish(referenceRun, week);
        referenceJob = succeeded(scripts.run("submit.sh", referenceRun.jobArgs()));
    }

    private static String referenceJob;

    /**
     * The warehouse the uninterrupted run ends with: all of the week read, and two checkpoints in a
     * row that changed nothing. The reference job is then cancelled, so it neither competes for the
     * machine nor runs on a TaskManager a test kills.
     */
    private static synchronized Map<String, List<String>> reference() throws Exception {
        if (reference != null) {
            return reference;
        }
        awaitParsed(referenceJob, week.size());
        reference = settled(referenceJob, referenceRun, TABLES);
        cluster.patch("/jobs/" + referenceJob + "?mode=cancel");
        assertThat(reference.get("turnstile_window")).hasSizeGreaterThan(100);
        assertThat(reference.get("station_window")).hasSizeGreaterThan(100);
        assertThat(reference.get("turnstile_anomalies")).isNotEmpty();
        assertEachRowWrittenOnce(referenceRun);
        return reference;
    }

    private static Run newRun(String name) throws IOException {
        String database = POSTGRES.newDatabase(name);
        String url = POSTGRES.jdbcUrl(database);
        String user = POSTGRES.service().username();
        String password = POSTGRES.service().password();
        Migrations.apply(new WarehouseConnection(url, user, password, Duration.ofSeconds(30)));
        String topic = KAFKA.newTopic(name);
        Path checkpoints = Files.createDirectories(home.resolve("checkpoints").resolve(name));
        List<String> args =
                List.of(
                        JOB,
                        "--set",
                        "warehouse.jdbc-url=" + url,
                        "--set",
                        "turnstile.topic=" + topic,
                        "--set",
                        "turnstile.group-id=" + topic,
                        "--set",
                        "checkpoint.interval=1 s",
                        "--set",
                        "checkpoint.dir=" + checkpoints.toUri());
        return new Run(name, new WarehouseContents(url, user, password), topic, args);
    }

    private static void publish(Run run, List<WeeklyFiles.Line> lines) throws Exception {
        try (TopicPublisher publisher = new TopicPublisher(KAFKA.bootstrapServers(), System.out)) {
            publisher.publish(run.topic(), lines, 0);
        }
    }

    private static void awaitParsed(String job, long expected) {
        awaitMetric(job, PARSED, expected);
    }

    /**
     * Metrics reach the REST API through the JobManager's periodic fetch, so a value is awaited,
     * not read once; a wrong final value still fails, after the timeout, with both numbers.
     */
    private static void awaitMetric(String job, String metric, long expected) {
        try {
            await(
                    PATIENCE,
                    () -> cluster.metricSum(job, metric) == expected,
                    "job " + job + " to report " + metric + " = " + expected);
        } catch (AssertionError timeout) {
            assertThat(cluster.metricSum(job, metric))
                    .as(metric + " of job " + job)
                    .isEqualTo(expected);
            throw timeout;
        }
    }

    /** Waits for this many more completed checkpoints than the job has now. */
    private static void awaitCheckpoints(String job, int more) {
        long target = cluster.completedCheckpoints(job) + more;
        await(
                PATIENCE,
                () -> cluster.completedCheckpoints(job) >= target,
                "checkpoint " + target + " of job " + job);
    }

    private static void awaitSameRows(Run run, Map<String, List<String>> expected) {
        awaitSameRows(run, expected, TABLES);
    }

    private static void awaitSameRows(
            Run run, Map<String, List<String>> expected, Map<String, String> tables) {
        try {
            await(
                    PATIENCE,
                    () -> run.warehouse().rows(tables).equals(expected),
                    run.name() + "'s warehouse to equal the uninterrupted run's");
        } catch (AssertionError timeout) {
            // let AssertJ show what differs
            assertThat(run.warehouse().rows(tables)).isEqualTo(expected);
            throw timeout;
        }
    }

    /** Every row was inserted once: no load updated or skipped a row another load had written. */
    private static void assertEachRowWrittenOnce(Run run) {
        Map<String, List<Long>> audit = run.warehouse().auditTotals();
        assertThat(audit).containsKeys("warehouse.turnstile_window", "warehouse.station_window");
        audit.forEach(
                (table, totals) -> {
                    assertThat(totals.subList(1, 4))
                            .as("rows updated, deleted, skipped in " + table)
                            .containsOnly(0L);
                    assertThat(totals.get(0))
                            .as("rows inserted into " + table)
                            .isEqualTo(run.warehouse().count("SELECT count(*) FROM " + table));
                });
    }

    /** The shaded job jar plus {@link NextJobVersion}: a second release of the job. */
    private static Path buildNextVersionJar() throws Exception {
        Path jar = home.resolve("pipeline-jobs-next-job.jar");
        Files.copy(DeployScripts.jobJar(root), jar, StandardCopyOption.REPLACE_EXISTING);
        Path classes =
                Path.of(
                        NextJobVersion.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI());
        String dir = NextJobVersion.class.getPackageName().replace('.', '/');
        try (FileSystem zip = FileSystems.newFileSystem(jar);
                var files = Files.list(classes.resolve(dir))) {
            Files.createDirectories(zip.getPath(dir));
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (name.startsWith(NextJobVersion.class.getSimpleName())) {
                    Files.copy(file, zip.getPath(dir, name));
                }
            }
        }
        return jar;
    }
}
