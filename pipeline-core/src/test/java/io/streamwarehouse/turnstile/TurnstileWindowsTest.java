package io.streamwarehouse.turnstile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Window queries on a local environment; every expected row below is summed by hand from the deltas
 * listed in {@link #deltas()}.
 */
class TurnstileWindowsTest {

    private StreamExecutionEnvironment env;
    private StreamTableEnvironment tableEnv;

    @BeforeEach
    void setUp() {
        env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        tableEnv = StreamTableEnvironment.create(env);
    }

    private static LocalDateTime at(String isoLocal) {
        return LocalDateTime.parse(isoLocal);
    }

    private static TurnstileDelta delta(
            String ca,
            String unit,
            String scp,
            String station,
            String linename,
            String division,
            String time,
            String desc,
            long entries,
            long exits) {
        TurnstileReading later =
                new TurnstileReading(
                        ca, unit, scp, station, linename, division, at(time), desc, 0, 0);
        return new TurnstileDelta(later, entries, exits);
    }

    private static TurnstileDelta c009(String scp, String time, long entries, long exits) {
        return delta(
                "C009",
                "R057",
                scp,
                "ATL AV-BARCLAY",
                "BDNQR2345",
                "BMT",
                time,
                TurnstileReading.REGULAR,
                entries,
                exits);
    }

    /** Deltas of one night and morning, in delta-time order. */
    private static List<TurnstileDelta> deltas() {
        List<TurnstileDelta> list = new ArrayList<>();
        // A 15-minute booth: three deltas in [00:00, 01:00), one exactly on 01:00.
        list.add(c009("03-00-00", "2023-05-27T00:15:00", 2, 22));
        list.add(c009("03-00-00", "2023-05-27T00:30:00", 3, 44));
        list.add(c009("03-00-01", "2023-05-27T00:30:00", 4, 6));
        list.add(c009("03-00-00", "2023-05-27T00:45:00", 2, 11));
        list.add(c009("03-00-00", "2023-05-27T01:00:00", 5, 21));
        // Two "59 ST" stations that only LINENAME tells apart, on different schedules.
        list.add(
                delta(
                        "A002",
                        "R051",
                        "02-00-00",
                        "59 ST",
                        "NQR456W",
                        "BMT",
                        "2023-05-27T04:00:00",
                        TurnstileReading.REGULAR,
                        9,
                        5));
        list.add(
                delta(
                        "R245A",
                        "R051",
                        "01-06-00",
                        "59 ST",
                        "456NQRW",
                        "IRT",
                        "2023-05-27T07:00:00",
                        TurnstileReading.REGULAR,
                        3,
                        12));
        list.add(
                delta(
                        "A002",
                        "R051",
                        "02-00-00",
                        "59 ST",
                        "NQR456W",
                        "BMT",
                        "2023-05-27T08:00:00",
                        TurnstileReading.REGULAR,
                        8,
                        20));
        // An off-hour reading and a RECOVR AUD one in the same hour split by DESC.
        list.add(
                delta(
                        "N606",
                        "R025",
                        "00-05-00",
                        "JAMAICA CENTER",
                        "EJZ",
                        "IND",
                        "2023-05-27T09:29:38",
                        TurnstileReading.REGULAR,
                        13,
                        0));
        list.add(
                delta(
                        "N606",
                        "R025",
                        "00-05-00",
                        "JAMAICA CENTER",
                        "EJZ",
                        "IND",
                        "2023-05-27T09:45:00",
                        TurnstileReading.RECOVR_AUD,
                        5,
                        1));
        return list;
    }

    private Table deltaTable(List<TurnstileDelta> deltas) {
        DataStream<TurnstileDelta> stream =
                env.fromData(deltas)
                        .assignTimestampsAndWatermarks(
                                WatermarkStrategy.<TurnstileDelta>forGenerator(
                                                ctx -> new WatermarkPerDelta())
                                        .withTimestampAssigner(
                                                (d, ts) ->
                                                        TurnstileTime.toEpochMillis(d.deltaTime)));
        return TurnstileWindows.deltaTable(tableEnv, stream);
    }

    private static List<Row> collect(Table table) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = table.execute().collect()) {
            it.forEachRemaining(rows::add);
        }
        return rows;
    }

    @Test
    void perTurnstileTumblingGroupsByTheOriginalConsumersKeysOnLocalHours() throws Exception {
        Table windows =
                TurnstileWindows.tumbling(tableEnv, Duration.ofHours(1))
                        .perTurnstile(deltaTable(deltas()));

        assertThat(windows.getResolvedSchema().getColumnNames())
                .containsExactly(
                        "window_start",
                        "window_end",
                        "ca",
                        "unit",
                        "scp",
                        "station",
                        "linename",
                        "division",
                        "reading_date",
                        "description",
                        "entries",
                        "exits",
                        "readings");

        LocalDate day = LocalDate.of(2023, 5, 27);
        assertThat(collect(windows))
                .containsExactlyInAnyOrder(
                        Row.of(
                                at("2023-05-27T00:00"),
                                at("2023-05-27T01:00"),
                                "C009",
                                "R057",
                                "03-00-00",
                                "ATL AV-BARCLAY",
                                "BDNQR2345",
                                "BMT",
                                day,
                                "REGULAR",
                                7L,
                                77L,
                                3L),
                        Row.of(
                                at("2023-05-27T00:00"),
                                at("2023-05-27T01:00"),
                                "C009",
                                "R057",
                                "03-00-01",
                                "ATL AV-BARCLAY",
                                "BDNQR2345",
                                "BMT",
                                day,
                                "REGULAR",
                                4L,
                                6L,
                                1L),
                        Row.of(
                                at("2023-05-27T01:00"),
                                at("2023-05-27T02:00"),
                                "C009",
                                "R057",
                                "03-00-00",
                                "ATL AV-BARCLAY",
                                "BDNQR2345",
                                "BMT",
                                day,
                                "REGULAR",
                                5L,
                                21L,
                                1L),
                        Row.of(
                                at("2023-05-27T04:00"),
                                at("2023-05-27T05:00"),
                                "A002",
                                "R051",
                                "02-00-00",
                                "59 ST",
                                "NQR456W",
                                "BMT",
                                day,
                                "REGULAR",
                                9L,
                                5L,
                                1L),
                        Row.of(
                                at("2023-05-27T07:00"),
                                at("2023-05-27T08:00"),
                                "R245A",
                                "R051",
                                "01-06-00",
                                "59 ST",
                                "456NQRW",
                                "IRT",
                                day,
                                "REGULAR",
                                3L,
                                12L,
                                1L),
                        Row.of(
                                at("2023-05-27T08:00"),
                                at("2023-05-27T09:00"),
                                "A002",
                                "R051",
                                "02-00-00",
                                "59 ST",
                                "NQR456W",
                                "BMT",
                                day,
                                "REGULAR",
                                8L,
                                20L,
                                1L),
                        Row.of(
                                at("2023-05-27T09:00"),
                                at("2023-05-27T10:00"),
                                "N606",
                                "R025",
                                "00-05-00",
                                "JAMAICA CENTER",
                                "EJZ",
                                "IND",
                                day,
                                "REGULAR",
                                13L,
                                0L,
                                1L),
                        Row.of(
                                at("2023-05-27T09:00"),
                                at("2023-05-27T10:00"),
                                "N606",
                                "R025",
                                "00-05-00",
                                "JAMAICA CENTER",
                                "EJZ",
                                "IND",
                                day,
                                "RECOVR AUD",
                                5L,
                                1L,
                                1L));
    }

    @Test
    void stationRollupSumsTurnstilesAndKeepsStationsApartByLinename() throws Exception {
        Table windows =
                TurnstileWindows.tumbling(tableEnv, Duration.ofHours(4))
                        .stationRollup(deltaTable(deltas()));

        assertThat(windows.getResolvedSchema().getColumnNames())
                .containsExactly(
                        "window_start",
                        "window_end",
                        "station",
                        "linename",
                        "entries",
                        "exits",
                        "readings",
                        "turnstiles");
        assertThat(collect(windows))
                .containsExactlyInAnyOrder(
                        // 2+3+4+2+5, 22+44+6+11+21; two SCPs reported.
                        Row.of(
                                at("2023-05-27T00:00"),
                                at("2023-05-27T04:00"),
                                "ATL AV-BARCLAY",
                                "BDNQR2345",
                                16L,
                                104L,
                                5L,
                                2L),
                        Row.of(
                                at("2023-05-27T04:00"),
                                at("2023-05-27T08:00"),
                                "59 ST",
                                "NQR456W",
                                9L,
                                5L,
                                1L,
                                1L),
                        Row.of(
                                at("2023-05-27T04:00"),
                                at("2023-05-27T08:00"),
                                "59 ST",
                                "456NQRW",
                                3L,
                                12L,
                                1L,
                                1L),
                        Row.of(
                                at("2023-05-27T08:00"),
                                at("2023-05-27T12:00"),
                                "59 ST",
                                "NQR456W",
                                8L,
                                20L,
                                1L,
                                1L),
                        // REGULAR and RECOVR AUD deltas of one turnstile: two readings, one
                        // turnstile.
                        Row.of(
                                at("2023-05-27T08:00"),
                                at("2023-05-27T12:00"),
                                "JAMAICA CENTER",
                                "EJZ",
                                18L,
                                1L,
                                2L,
                                1L));
    }

    @Test
    void hoppingWindowsCountADeltaInEveryWindowThatCoversIt() throws Exception {
        List<TurnstileDelta> booth = deltas().subList(0, 5);
        Table windows =
                TurnstileWindows.hopping(tableEnv, Duration.ofHours(2), Duration.ofHours(1))
                        .stationRollup(deltaTable(booth));

        assertThat(collect(windows))
                .containsExactlyInAnyOrder(
                        Row.of(
                                at("2023-05-26T23:00"),
                                at("2023-05-27T01:00"),
                                "ATL AV-BARCLAY",
                                "BDNQR2345",
                                11L,
                                83L,
                                4L,
                                2L),
                        Row.of(
                                at("2023-05-27T00:00"),
                                at("2023-05-27T02:00"),
                                "ATL AV-BARCLAY",
                                "BDNQR2345",
                                16L,
                                104L,
                                5L,
                                2L),
                        Row.of(
                                at("2023-05-27T01:00"),
                                at("2023-05-27T03:00"),
                                "ATL AV-BARCLAY",
                                "BDNQR2345",
                                5L,
                                21L,
                                1L,
                                1L));
    }

    @Test
    void windowsFireOnTheStreamsWatermarkSoADeltaBehindAFiredWindowIsNotCounted() throws Exception {
        List<TurnstileDelta> list = new ArrayList<>();
        list.add(c009("03-00-00", "2023-05-27T00:15:00", 2, 22));
        list.add(c009("03-00-00", "2023-05-27T02:00:00", 5, 21));
        // Arrives after the watermark reached 02:00, when [00:00, 01:00) has been emitted.
        list.add(c009("03-00-01", "2023-05-27T00:20:00", 100, 100));
        list.add(c009("03-00-00", "2023-05-27T02:15:00", 1, 1));

        Table windows =
                TurnstileWindows.tumbling(tableEnv, Duration.ofHours(1))
                        .stationRollup(deltaTable(list));

        assertThat(collect(windows))
                .containsExactlyInAnyOrder(
                        Row.of(
                                at("2023-05-27T00:00"),
                                at("2023-05-27T01:00"),
                                "ATL AV-BARCLAY",
                                "BDNQR2345",
                                2L,
                                22L,
                                1L,
                                1L),
                        Row.of(
                                at("2023-05-27T02:00"),
                                at("2023-05-27T03:00"),
                                "ATL AV-BARCLAY",
                                "BDNQR2345",
                                6L,
                                22L,
                                2L,
                                1L));
    }

    @Test
    void deltaTableExposesSnakeCaseColumnsAndARowtimeAttribute() {
        Table table = deltaTable(deltas());

        assertThat(table.getResolvedSchema().getColumnNames())
                .containsExactly(TurnstileWindows.DELTA_COLUMNS.split(", "));
        assertThat(table.getResolvedSchema().getWatermarkSpecs()).isEmpty();
        assertThat(table.getResolvedSchema().getColumn("rowtime").orElseThrow().getDataType())
                .hasToString("TIMESTAMP(3) *ROWTIME*");
    }

    /**
     * Both aggregations plan two-phase, tumbling and hopping: a local pre-aggregate chained before
     * the shuffle, the global one after it, as the throughput work relies on.
     */
    @Test
    void bothAggregationsPlanAsALocalThenAGlobalWindowAggregate() {
        Table deltas = deltaTable(deltas());
        for (TurnstileWindows windows :
                List.of(
                        TurnstileWindows.tumbling(tableEnv, Duration.ofHours(1)),
                        TurnstileWindows.hopping(
                                tableEnv, Duration.ofHours(4), Duration.ofHours(1)))) {
            for (Table query :
                    List.of(windows.perTurnstile(deltas), windows.stationRollup(deltas))) {
                String plan = query.explain();
                String physical = plan.substring(plan.indexOf("== Optimized Physical Plan =="));
                assertThat(physical)
                        .as(plan)
                        .contains("LocalWindowAggregate(")
                        .contains("GlobalWindowAggregate(")
                        .doesNotContain(" WindowAggregate(");
            }
        }
    }

    @Test
    void rejectsWindowShapesThatCannotBeSliced() {
        assertThatThrownBy(
                        () ->
                                TurnstileWindows.hopping(
                                        tableEnv, Duration.ofMinutes(90), Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("whole multiple");
        assertThatThrownBy(() -> TurnstileWindows.tumbling(tableEnv, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(TurnstileWindows.interval(Duration.ofHours(1)))
                .isEqualTo("INTERVAL '3600.000' SECOND(9, 3)");
    }

    /** Emits a watermark after every delta, so the test controls exactly what is late. */
    private static final class WatermarkPerDelta implements WatermarkGenerator<TurnstileDelta> {
        private long max = Long.MIN_VALUE;

        @Override
        public void onEvent(TurnstileDelta event, long eventTimestamp, WatermarkOutput output) {
            max = Math.max(max, eventTimestamp);
            output.emitWatermark(new Watermark(max - 1));
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {}
    }
}
