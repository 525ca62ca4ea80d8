package io.streamwarehouse.turnstile;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.samples.turnstile.TurnstileWeekGenerator;
import io.streamwarehouse.turnstile.parse.ParseResult;
import io.streamwarehouse.turnstile.parse.RecordFormat;
import io.streamwarehouse.turnstile.parse.TurnstileParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;

/**
 * The turnstile pieces wired as the job wires them, on a local environment: a generated week
 * arriving out of order, event time from the reading time, counter deltas with an allowed lateness
 * (which hold the watermark back by it) and at most 3 turnstiles held on the heap, so writes back
 * on size happen throughout, and the station rollup. The expected rows come from feeding the same
 * week in order through the delta function alone and summing by hand.
 */
class TurnstilePipelineITCase {
    private static final Duration OUT_OF_ORDERNESS = Duration.ofMinutes(30);
    private static final Duration LATENESS = Duration.ofHours(2);

    private static List<TurnstileReading> week() {
        TurnstileParser parser = TurnstileParser.forFormat(RecordFormat.MTA_CSV, 4096);
        List<String> lines = new TurnstileWeekGenerator(21).lines();
        List<TurnstileReading> readings = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            readings.add(
                    parser.parse("t", 0, i, lines.get(i).getBytes(StandardCharsets.UTF_8))
                            .reading());
        }
        return readings;
    }

    /** Arrival order: reading time plus up to 90 minutes of jitter, so neighbours swap. */
    private static List<TurnstileReading> arrivalOrder(List<TurnstileReading> readings) {
        Random random = new Random(2);
        Map<TurnstileReading, Long> arrival = new java.util.IdentityHashMap<>();
        for (TurnstileReading r : readings) {
            arrival.put(
                    r,
                    r.eventTimeMillis() + random.nextInt((int) Duration.ofMinutes(90).toMillis()));
        }
        List<TurnstileReading> shuffled = new ArrayList<>(readings);
        shuffled.sort(Comparator.comparing(arrival::get));
        return shuffled;
    }

    /**
     * Station-hour sums of the deltas the function gives for the week fed in reading-time order.
     */
    private static Map<String, String> expectedStationHours(List<TurnstileReading> readings)
            throws Exception {
        List<TurnstileReading> inOrder = new ArrayList<>(readings);
        inOrder.sort(Comparator.comparing(r -> r.readingTime));
        Map<String, long[]> sums = new TreeMap<>();
        Map<String, Set<String>> turnstiles = new TreeMap<>();
        try (DeltaHarness h = new DeltaHarness(CounterRules.defaults())) {
            for (TurnstileReading r : inOrder) {
                h.send(r);
            }
            h.harness.processWatermark(Long.MAX_VALUE);
            for (TurnstileDelta d : h.deltas()) {
                LocalDateTime hour = d.deltaTime.truncatedTo(ChronoUnit.HOURS);
                String key = hour + " " + d.station + " " + d.linename;
                long[] sum = sums.computeIfAbsent(key, k -> new long[3]);
                sum[0] += d.entries;
                sum[1] += d.exits;
                sum[2]++;
                turnstiles.computeIfAbsent(key, k -> new HashSet<>()).add(d.ca + d.unit + d.scp);
            }
        }
        Map<String, String> expected = new TreeMap<>();
        sums.forEach(
                (key, sum) ->
                        expected.put(
                                key,
                                sum[0]
                                        + "/"
                                        + sum[1]
                                        + "/"
                                        + sum[2]
                                        + "/"
                                        + turnstiles.get(key).size()));
        return expected;
    }

    private static Map<String, String> runPipeline(List<TurnstileReading> arrivals)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        StreamTableEnvironment tableEnv = StreamTableEnvironment.create(env);

        DataStream<TurnstileDelta> deltas =
                env.fromData(arrivals)
                        .assignTimestampsAndWatermarks(
                                WatermarkStrategy.<TurnstileReading>forGenerator(
                                                ctx -> new BoundedPerReading())
                                        .withTimestampAssigner((r, ts) -> r.eventTimeMillis()))
                        .keyBy(new TurnstileKey.Selector())
                        .transform(
                                "counter deltas",
                                TypeInformation.of(TurnstileDelta.class),
                                new CounterDeltaOperator(
                                        CounterRules.defaults().withAllowedLateness(LATENESS), 3));

        Table rollup =
                TurnstileWindows.tumbling(tableEnv, Duration.ofHours(1))
                        .stationRollup(TurnstileWindows.deltaTable(tableEnv, deltas));
        try (CloseableIterator<Row> rows = rollup.execute().collect()) {
            return stationHours(rows);
        }
    }

    /**
     * Station rollup rows keyed "window_start station linename", valued
     * entries/exits/readings/turnstiles.
     */
    private static Map<String, String> stationHours(CloseableIterator<Row> rows) {
        Map<String, String> hours = new TreeMap<>();
        rows.forEachRemaining(
                row ->
                        hours.put(
                                row.getField("window_start")
                                        + " "
                                        + row.getField("station")
                                        + " "
                                        + row.getField("linename"),
                                row.getField("entries")
                                        + "/"
                                        + row.getField("exits")
                                        + "/"
                                        + row.getField("readings")
                                        + "/"
                                        + row.getField("turnstiles")));
        return hours;
    }

    @Test
    void outOfOrderWeekGivesTheSameStationHoursAsAnOrderedOne() throws Exception {
        List<TurnstileReading> week = week();
        Map<String, String> expected = expectedStationHours(week);

        Map<String, String> actual = runPipeline(arrivalOrder(week));

        assertThat(expected).hasSizeGreaterThan(500);
        assertThat(actual).isEqualTo(expected);
    }

    /**
     * The topology as the job builds it ({@link TurnstileTopology#build}), fed parse results as the
     * Kafka source emits them: the station windows equal the ordered week's station hours.
     */
    @Test
    void theJobsTopologyGivesTheStationHoursOfTheOrderedWeek() throws Exception {
        List<TurnstileReading> week = week();
        Map<String, String> expected = expectedStationHours(week);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        List<ParseResult> records = new ArrayList<>();
        for (TurnstileReading r : arrivalOrder(week)) {
            records.add(ParseResult.ok(r));
        }
        DataStream<ParseResult> source =
                env.fromData(records)
                        .assignTimestampsAndWatermarks(
                                WatermarkStrategy.<ParseResult>forGenerator(
                                                ctx -> new BoundedPerRecord())
                                        .withTimestampAssigner(
                                                (r, ts) -> r.reading.eventTimeMillis()));
        PipelineConfig config =
                PipelineConfig.of(
                        Map.of("turnstile.allowed-lateness", LATENESS.toMillis() + " ms"));

        TurnstileTopology.Outputs out =
                TurnstileTopology.build(StreamTableEnvironment.create(env), source, config);

        Map<String, String> actual;
        try (CloseableIterator<Row> rows = out.stationWindows().executeAndCollect()) {
            actual = stationHours(rows);
        }
        assertThat(actual).isEqualTo(expected);
    }

    /** {@link BoundedPerReading} for what the Kafka source emits. */
    private static final class BoundedPerRecord implements WatermarkGenerator<ParseResult> {
        private final BoundedPerReading readings = new BoundedPerReading();

        @Override
        public void onEvent(ParseResult event, long eventTimestamp, WatermarkOutput output) {
            readings.onEvent(event.reading, eventTimestamp, output);
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {}
    }

    /** Bounded out-of-orderness, emitted after every reading so the test needs no timers. */
    private static final class BoundedPerReading implements WatermarkGenerator<TurnstileReading> {
        private long max = Long.MIN_VALUE + OUT_OF_ORDERNESS.toMillis() + 1;

        @Override
        public void onEvent(TurnstileReading event, long eventTimestamp, WatermarkOutput output) {
            max = Math.max(max, eventTimestamp);
            output.emitWatermark(new Watermark(max - OUT_OF_ORDERNESS.toMillis() - 1));
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {}
    }
}
