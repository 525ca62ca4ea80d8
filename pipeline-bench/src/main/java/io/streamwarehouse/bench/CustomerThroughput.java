package io.streamwarehouse.bench;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.jobs.CustomerDimensionJob;
import io.streamwarehouse.local.flink.LocalCluster;
import io.streamwarehouse.local.sandbox.SampleWarehouse;
import io.streamwarehouse.local.services.LocalServices;
import io.streamwarehouse.local.services.MariaDbService;
import io.streamwarehouse.warehouse.WarehouseConnection;
import java.io.OutputStreamWriter;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.SavepointFormatType;
import org.postgresql.PGConnection;

/**
 * The customer job against what its databases can do: a source {@code customer} table of {@code
 * customers} rows (ids widened from Sakila's SMALLINT to INT) snapshotted into the dimension, next
 * to the same join streamed from MariaDB into PostgreSQL {@code COPY}; then, on the running job,
 * the time from a change's commit in the source to its row in the dimension at steady rates.
 */
final class CustomerThroughput {
    static final String SNAPSHOT = "customer snapshot";
    static final String FRESHNESS = "customer freshness";

    /** The join the dimension holds, as the source computes it. */
    private static final String SOURCE_JOIN =
            "SELECT c.customer_id, c.store_id, c.first_name, c.last_name, c.email, c.active,"
                    + " c.create_date, a.address_id, a.address, a.address2, a.district,"
                    + " a.postal_code, a.phone, ci.city_id, ci.city, co.country_id, co.country"
                    + " FROM customer c LEFT JOIN address a ON a.address_id = c.address_id"
                    + " LEFT JOIN city ci ON ci.city_id = a.city_id"
                    + " LEFT JOIN country co ON co.country_id = ci.country_id";

    /** Customers whose first name the freshness run rewrites, round robin. */
    private static final int FRESHNESS_CUSTOMERS = 5_000;

    private static final Duration POLL = Duration.ofMillis(50);

    private final int customers;
    private final List<Integer> rates;
    private final Duration rateDuration;
    private final Duration freshnessCheckpoints;
    private final Map<String, String> settings;
    private final Path work;

    CustomerThroughput(
            int customers,
            List<Integer> rates,
            Duration rateDuration,
            Duration freshnessCheckpoints,
            Map<String, String> settings,
            Path work) {
        this.customers = customers;
        this.rates = rates;
        this.rateDuration = rateDuration;
        this.freshnessCheckpoints = freshnessCheckpoints;
        this.settings = settings;
        this.work = work;
    }

    void run(Report report) throws Exception {
        try (LocalServices services =
                LocalServices.builder()
                        .withMariaDb(true)
                        .withPostgres(true)
                        .withKafka(false)
                        .start()) {
            Map<String, String> env = SampleWarehouse.provision(services, 1);
            MariaDbService mariaDb = services.mariaDb();
            long start = System.nanoTime();
            long total = fillSource(mariaDb);
            System.out.printf(
                    "bench: %,d customers in the source in %.1f s%n",
                    total, (System.nanoTime() - start) / 1e9);

            double ceiling = copyCeiling(mariaDb, services);
            report.add(
                    SNAPSHOT,
                    "source join streamed into PostgreSQL COPY",
                    ceiling,
                    "rows/s",
                    "ceiling");

            Map<String, String> values = new HashMap<>(PipelineConfig.environmentSettings(env));
            values.put("checkpoint.dir", work.resolve("customer-checkpoints").toUri().toString());
            values.putAll(settings);
            PipelineConfig config = PipelineConfig.of(values);
            try (LocalCluster cluster = LocalCluster.start(0, 4)) {
                double cpu = Cpu.seconds();
                start = System.nanoTime();
                JobID job = cluster.submit(new CustomerDimensionJob(), config, null);
                awaitDimensionRows(config, total, Duration.ofHours(2));
                double seconds = (System.nanoTime() - start) / 1e9;
                double jobCpu = Cpu.seconds() - cpu;
                report.add(
                        SNAPSHOT,
                        "job snapshot into the dimension",
                        total / seconds,
                        "rows/s",
                        "source join streamed into PostgreSQL COPY",
                        ceiling,
                        String.format(
                                "%,d customers, %s; %.1f s from submit to the last row",
                                total, settings, seconds));
                report.add(
                        SNAPSHOT,
                        "job snapshot per CPU-second (JVM: Flink; databases not counted)",
                        total / jobCpu,
                        "rows/CPU-s",
                        null);

                // The rates are measured with the checkpoint interval the README recommends
                // for freshness: the job is stopped with a savepoint and resumed with it.
                String savepoint =
                        cluster.miniCluster()
                                .stopWithSavepoint(
                                        job,
                                        work.resolve("customer-savepoints").toUri().toString(),
                                        false,
                                        SavepointFormatType.CANONICAL)
                                .get(5, TimeUnit.MINUTES);
                values.put("checkpoint.interval", freshnessCheckpoints.toMillis() + " ms");
                PipelineConfig fresh = PipelineConfig.of(values);
                cluster.submit(new CustomerDimensionJob(), fresh, savepoint);
                awaitCaughtUp(mariaDb, fresh);
                for (int rate : rates) {
                    measureFreshness(report, mariaDb, fresh, rate);
                }
            }
        }
    }

    /** Widens the key and adds customers to the sample, each with an address of the sample. */
    private long fillSource(MariaDbService mariaDb) throws Exception {
        try (Connection source = mariaDb.openConnection(SampleWarehouse.SOURCE_DATABASE);
                Statement s = source.createStatement()) {
            s.execute("ALTER TABLE customer MODIFY customer_id INT NOT NULL AUTO_INCREMENT");
            long sample = count(s, "SELECT count(*) FROM customer");
            long added = Math.max(0, customers - sample);
            // MariaDB's SEQUENCE engine gives the numbers without a client round trip per row
            s.execute(
                    "INSERT INTO customer (store_id, first_name, last_name, email, address_id,"
                            + " active, create_date)"
                            + " SELECT 1 + n.seq % 2, CONCAT('FIRST', n.seq), CONCAT('LAST', n.seq),"
                            + " CONCAT('customer', n.seq, '@example.org'), a.address_id,"
                            + " n.seq % 10 <> 0, '2006-02-14 22:04:36'"
                            + " FROM seq_1_to_"
                            + added
                            + " n JOIN (SELECT address_id, ROW_NUMBER() OVER (ORDER BY address_id)"
                            + " - 1 AS rn FROM address) a"
                            + " ON a.rn = n.seq % (SELECT count(*) FROM address)");
            return count(s, "SELECT count(*) FROM customer");
        }
    }

    /** The join read with a streaming result set and written through COPY, in one pass. */
    private static double copyCeiling(MariaDbService mariaDb, LocalServices services)
            throws Exception {
        try (Connection target =
                        services.postgres().openConnection(SampleWarehouse.WAREHOUSE_DATABASE);
                Statement t = target.createStatement()) {
            t.execute("CREATE TABLE public.bench_copy (LIKE warehouse.dim_customer INCLUDING ALL)");
        }
        long start = System.nanoTime();
        long rows;
        try (Connection source = mariaDb.openConnection(SampleWarehouse.SOURCE_DATABASE);
                Connection target =
                        services.postgres().openConnection(SampleWarehouse.WAREHOUSE_DATABASE);
                PipedOutputStream out = new PipedOutputStream();
                PipedInputStream in = new PipedInputStream(out, 1 << 20)) {
            CompletableFuture<Long> copy =
                    CompletableFuture.supplyAsync(
                            () -> {
                                try {
                                    return ((PGConnection) target.unwrap(PGConnection.class))
                                            .getCopyAPI()
                                            .copyIn(
                                                    "COPY public.bench_copy (customer_id,"
                                                            + " store_id, first_name, last_name,"
                                                            + " email, active, create_date,"
                                                            + " address_id, address, address2,"
                                                            + " district, postal_code, phone,"
                                                            + " city_id, city, country_id,"
                                                            + " country, source_version) FROM"
                                                            + " STDIN (FORMAT csv)",
                                                    in);
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            });
            try (Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                    Statement s = source.createStatement()) {
                s.setFetchSize(10_000);
                try (ResultSet rs = s.executeQuery(SOURCE_JOIN)) {
                    int columns = rs.getMetaData().getColumnCount();
                    StringBuilder line = new StringBuilder(256);
                    while (rs.next()) {
                        line.setLength(0);
                        for (int i = 1; i <= columns; i++) {
                            csv(line, rs.getString(i));
                            line.append(',');
                        }
                        line.append("0\n");
                        writer.write(line.toString());
                    }
                }
            }
            rows = copy.get(30, TimeUnit.MINUTES);
        }
        return rows / ((System.nanoTime() - start) / 1e9);
    }

    private static void csv(StringBuilder line, String value) {
        if (value == null) {
            return;
        }
        line.append('"').append(value.replace("\"", "\"\"")).append('"');
    }

    /**
     * Rewrites first names at {@code rate} changes per second, committed every 10 ms, and polls the
     * dimension every {@value} for the names it holds: a change is visible when its name, or a
     * later one of the same customer, is there.
     */
    private void measureFreshness(
            Report report, MariaDbService mariaDb, PipelineConfig config, int rate)
            throws Exception {
        Map<Long, Long> committed = new ConcurrentHashMap<>();
        List<Long> latencies = new ArrayList<>();
        long[] lastSeen = new long[FRESHNESS_CUSTOMERS + 1];
        java.util.Arrays.fill(lastSeen, -1);
        long seqBase = System.currentTimeMillis() * 1000;
        int batches = (int) (rateDuration.toMillis() / 10);
        int perBatch = Math.max(1, rate / 100);
        long changes = (long) batches * perBatch;
        try (Connection source = mariaDb.openConnection(SampleWarehouse.SOURCE_DATABASE);
                Connection warehouse = WarehouseConnection.from(config).open();
                PreparedStatement update =
                        source.prepareStatement(
                                "UPDATE customer SET first_name = ? WHERE customer_id = ?");
                PreparedStatement poll =
                        warehouse.prepareStatement(
                                "SELECT customer_id, first_name FROM warehouse.dim_customer"
                                        + " WHERE customer_id BETWEEN 1 AND "
                                        + FRESHNESS_CUSTOMERS)) {
            source.setAutoCommit(false);
            CompletableFuture<Void> writer =
                    CompletableFuture.runAsync(
                            () -> {
                                try {
                                    long next = System.nanoTime();
                                    long seq = 0;
                                    for (int b = 0; b < batches; b++) {
                                        long before = System.nanoTime();
                                        for (int i = 0; i < perBatch; i++, seq++) {
                                            // provisional: a poll may see the row before the
                                            // commit time below is recorded
                                            committed.put(seq, before);
                                            update.setString(1, "F" + (seqBase + seq));
                                            update.setInt(2, customerOf(seq));
                                            update.addBatch();
                                        }
                                        update.executeBatch();
                                        source.commit();
                                        long now = System.nanoTime();
                                        for (long s = seq - perBatch; s < seq; s++) {
                                            committed.put(s, now);
                                        }
                                        next += 10_000_000L;
                                        long sleep = next - System.nanoTime();
                                        if (sleep > 0) {
                                            TimeUnit.NANOSECONDS.sleep(sleep);
                                        }
                                    }
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            });
            long deadline =
                    System.nanoTime() + rateDuration.toNanos() + Duration.ofMinutes(5).toNanos();
            while (latencies.size() < changes && System.nanoTime() < deadline) {
                try (ResultSet rs = poll.executeQuery()) {
                    long now = System.nanoTime();
                    while (rs.next()) {
                        int customer = rs.getInt(1);
                        String name = rs.getString(2);
                        if (name == null || !name.startsWith("F")) {
                            continue;
                        }
                        long seq;
                        try {
                            seq = Long.parseLong(name.substring(1)) - seqBase;
                        } catch (NumberFormatException notOurs) {
                            continue;
                        }
                        if (seq < 0 || seq <= lastSeen[customer]) {
                            continue;
                        }
                        for (long s = seq; s > lastSeen[customer]; s -= FRESHNESS_CUSTOMERS) {
                            Long at = committed.get(s);
                            if (at != null) {
                                latencies.add(now - at);
                            }
                        }
                        lastSeen[customer] = seq;
                    }
                }
                TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
            }
            writer.get(1, TimeUnit.MINUTES);
        }
        if (latencies.size() < changes) {
            throw new IllegalStateException(
                    "only "
                            + latencies.size()
                            + " of "
                            + changes
                            + " changes reached the dimension");
        }
        String note =
                String.format(
                        "%,d changes at %,d/s for %s, committed every 10 ms; checkpoint interval %s;"
                                + " dimension polled every %d ms",
                        changes, rate, rateDuration, freshnessCheckpoints, POLL.toMillis());
        Latencies.report(report, FRESHNESS, rate + " changes/s", latencies, note);
    }

    /**
     * Waits until a change made now reaches the dimension, so the first rate is not measured while
     * the restored job is still starting.
     */
    private static void awaitCaughtUp(MariaDbService mariaDb, PipelineConfig config)
            throws Exception {
        String probe = "WARMUP" + System.nanoTime();
        try (Connection source = mariaDb.openConnection(SampleWarehouse.SOURCE_DATABASE);
                Statement s = source.createStatement()) {
            s.executeUpdate(
                    "UPDATE customer SET first_name = '" + probe + "' WHERE customer_id = 1");
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        try (Connection warehouse = WarehouseConnection.from(config).open();
                Statement s = warehouse.createStatement()) {
            while (System.nanoTime() < deadline) {
                try (ResultSet rs =
                        s.executeQuery(
                                "SELECT first_name FROM warehouse.dim_customer"
                                        + " WHERE customer_id = 1")) {
                    if (rs.next() && probe.equals(rs.getString(1))) {
                        return;
                    }
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
        throw new IllegalStateException("the restored job did not catch up within 5 minutes");
    }

    /** The customer a change rewrites: ids 1..FRESHNESS_CUSTOMERS round robin. */
    private static int customerOf(long seq) {
        return (int) (seq % FRESHNESS_CUSTOMERS) + 1;
    }

    private static void awaitDimensionRows(PipelineConfig config, long expected, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Connection warehouse = WarehouseConnection.from(config).open();
                Statement s = warehouse.createStatement()) {
            long start = System.nanoTime();
            long reported = start;
            while (System.nanoTime() < deadline) {
                long rows = count(s, "SELECT count(*) FROM warehouse.dim_customer");
                if (rows >= expected) {
                    return;
                }
                if (System.nanoTime() - reported > Duration.ofSeconds(5).toNanos()) {
                    reported = System.nanoTime();
                    System.out.printf(
                            "bench: %,d of %,d customers in the dimension after %.0f s%n",
                            rows, expected, (reported - start) / 1e9);
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
        throw new IllegalStateException("the dimension did not reach " + expected + " rows");
    }

    private static long count(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
