package io.streamwarehouse.turnstile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.streamwarehouse.turnstile.parse.ParseResult;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.types.PojoTestUtils;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.assertj.core.api.ListAssert;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/**
 * Each rule of {@link CounterDeltas}, as {@link CounterDeltaOperator} applies them, on cases taken
 * from the real weekly files (rows quoted verbatim where the comment says "real"), driven through
 * Flink's keyed operator test harness with explicit watermarks.
 */
class CounterDeltaOperatorTest {

    // Real: a normal turnstile, 00/04/08 schedule (turnstile_230603).
    static final String A002_0000 =
            "A002,R051,02-00-00,59 ST,NQR456W,BMT,05/27/2023,00:00:00,REGULAR,2040,985";
    static final String A002_0400 =
            "A002,R051,02-00-00,59 ST,NQR456W,BMT,05/27/2023,04:00:00,REGULAR,2049,990";
    static final String A002_0800 =
            "A002,R051,02-00-00,59 ST,NQR456W,BMT,05/27/2023,08:00:00,REGULAR,2057,1010";
    static final String A002_1200 =
            "A002,R051,02-00-00,59 ST,NQR456W,BMT,05/27/2023,12:00:00,REGULAR,2092,1048";

    private static Tuple delta(String time, long entries, long exits) {
        return tuple(LocalDateTime.parse(time), entries, exits);
    }

    private static ListAssert<Tuple> assertDeltas(List<TurnstileDelta> deltas) {
        return assertThat(deltas)
                .extracting(d -> tuple(d.deltaTime, d.entries, d.exits))
                .asInstanceOf(InstanceOfAssertFactories.list(Tuple.class));
    }

    @Test
    void firstReadingIsOnlyABaseline() throws Exception {
        try (DeltaHarness h = new DeltaHarness(CounterRules.defaults())) {
            h.send(A002_0000);
            h.watermark("2023-05-27T03:59:59");

            assertThat(h.deltas()).isEmpty();
            assertThat(h.anomalies()).isEmpty();
            assertThat(h.stateEntries()).as("only the baseline is kept").isEqualTo(1);
        }
    }

    @Test
    void deltaIsTheDifferenceAttributedToTheLaterReading() throws Exception {
        try (DeltaHarness h = new DeltaHarness(CounterRules.defaults())) {
            h.send(A002_0000);
            h.send(A002_0400);
            h.send(A002_0800);
            h.send(A002_1200);
            h.watermark("2023-05-27T12:00:00");

            assertDeltas(h.deltas())
                    .containsExactly(
                            delta("2023-05-27T04:00", 9, 5),
                            delta("2023-05-27T08:00", 8, 20),
                            delta("2023-05-27T12:00", 35, 38));
            TurnstileDelta first = h.deltas().get(0);
            assertThat(first.key())
                    .isEqualTo(new TurnstileKey("A002", "R051", "02-00-00", "59 ST"));
            assertThat(first.linename).isEqualTo("NQR456W");
            assertThat(first.division).isEqualTo("BMT");
            assertThat(first.readingDate).isEqualTo(LocalDate.of(2023, 5, 27));
            assertThat(first.description).isEqualTo("REGULAR");
            assertThat(h.anomalies()).isEmpty();
        }
    }

    @Test
    void backwardsCountingTurnstileCountsTheAbsoluteDifference() throws Exception {
        try (DeltaHarness h = new DeltaHarness(CounterRules.defaults())) {
            // Real: A011 57 ST-7 AV counts down on both registers.
            h.send(
                    "A011,R080,01-03-00,57 ST-7 AV,NQRW,BMT,05/27/2023,00:00:00,REGULAR,885337107,488548944");
            h.send(
                    "A011,R080,01-03-00,57 ST-7 AV,NQRW,BMT,05/27/2023,04:00:00,REGULAR,885337086,488548895");
            h.send(
                    "A011,R080,01-03-00,57 ST-7 AV,NQRW,BMT,05/27/2023,08:00:00,REGULAR,885337075,488548784");
            h.send(
                    "A011,R080,01-03-00,57 ST-7 AV,NQRW,BMT,05/27/2023,12:00:00,REGULAR,885337035,488548477");
            h.send(
                    "A011,R080,01-03-00,57 ST-7 AV,NQRW,BMT,05/27/2023,16:00:00,REGULAR,885336967,488547964");
            h.watermark("2023-05-27T16:00:00");

            assertDeltas(h.deltas())
                    .containsExactly(
                            delta("2023-05-27T04:00", 21, 49),
                            delta("2023-05-27T08:00", 11, 111),
                            delta("2023-05-27T12:00", 40, 307),
                            delta("2023-05-27T16:00", 68, 513));
            assertThat(h.anomalies()).isEmpty();
        }
    }

    @Test
    void valuesNearTwoToThe31CountNormallyAndAWrapIsAnAnomalyOfThatCounterOnly() throws Exception {
        try (DeltaHarness h = new DeltaHarness(CounterRules.defaults())) {
            // Real: J003 HEWES ST, the largest ENTRIES in the data, counting down.
            h.send(
                    "J003,R352,00-00-00,HEWES ST,JM,BMT,05/27/2023,01:00:00,REGULAR,2147178400,671304352");
            h.send(
                    "J003,R352,00-00-00,HEWES ST,JM,BMT,05/27/2023,05:00:00,REGULAR,2147178392,671304362");
            h.send(
                    "J003,R352,00-00-00,HEWES ST,JM,BMT,05/27/2023,09:00:00,REGULAR,2147178364,671304377");
            // The ENTRIES register wraps to a small value; EXITS carries on.
            h.send("J003,R352,00-00-00,HEWES ST,JM,BMT,05/27/2023,13:00:00,REGULAR,120,671304402");
            h.send("J003,R352,00-00-00,HEWES ST,JM,BMT,05/27/2023,17:00:00,REGULAR,150,671304439");
            h.watermark("2023-05-27T17:00:00");

            assertDeltas(h.deltas())
                    .containsExactly(
                            delta("2023-05-27T05:00", 8, 10),
                            delta("2023-05-27T09:00", 28, 15),
                            // ENTRIES not counted, EXITS judged on its own and counted.
                            delta("2023-05-27T13:00", 0, 25),
                            // Counting resumes from the wrapped value.
                            delta("2023-05-27T17:00", 30, 37));
            assertThat(h.anomalies())
                    .singleElement()
                    .satisfies(
                            a -> {
                                assertThat(a.kind).isEqualTo("anomaly");
                                assertThat(a.counter).isEqualTo("ENTRIES");
                                assertThat(a.previousTime)
                                        .isEqualTo(LocalDateTime.parse("2023-05-27T09:00"));
                                assertThat(a.previousValue).isEqualTo(2147178364L);
                                assertThat(a.readingTime)
                                        .isEqualTo(LocalDateTime.parse("2023-05-27T13:00"));
                                assertThat(a.currentValue).isEqualTo(120L);
                                assertThat(a.delta).isEqualTo(2147178244L);
                                assertThat(a.threshold).isEqualTo(8000L);
                            });
        }
    }

    @Test
    void regularWinsOverRecovrAudAtTheSameTimeWhicheverArrivesFirst() throws Exception {
        try (DeltaHarness h = new DeltaHarness(CounterRules.defaults())) {
            // Real: N306 LEXINGTON AV/53 (240106), REGULAR 22661 and RECOVR AUD 7 at 15:00.
            h.send(
                    "N306,R017,00-00-00,LEXINGTON AV/53,EM6,IND,12/30/2023,11:00:00,REGULAR,22624,30590");
            h.send(
                    "N306,R017,00-00-00,LEXINGTON AV/53,EM6,IND,12/30/2023,15:00:00,RECOVR AUD,7,629");
            h.send(
                    "N306,R017,00-00-00,LEXINGTON AV/53,EM6,IND,12/30/2023,15:00:00,REGULAR,22661,30619");
            h.send(
                    "N306,R017,00-00-00,LEXINGTON AV/53,EM6,IND,12/30/2023,19:00:00,REGULAR,22706,30668");
            h.watermark("2023-12-30T19:00:00");

            assertDeltas(h.deltas())
                    .containsExactly(
                            delta("2023-12-30T15:00", 37, 29), delta("2023-12-30T19:00", 45, 49));
            assertThat(h.deltas()).extracting(d -> d.description).containsOnly("REGULAR");
            assertThat(h.anomalies()).isEmpty();
            assertThat(h.metric(CounterDeltas.METRIC_DUPLICATES)).isEqualTo(1);
        }
    }

    @Test
    void aRecovrAudReadingAtItsOwnTimeIsAReadingLikeAnyOtherSoItsResetIsAnAnomaly()
            throws Exception {
        try (DeltaHarness h = new DeltaHarness(CounterRules.defaults())) {
            // Real: N306 interleaves RECOVR AUD readings of a reset register (7) with REGULAR ones.
            h.send(
                    "N306,R017,00-00-00,LEXINGTON AV/53,EM6,IND,12/30/2023,03:00:00,REGULAR,22618,30586");
            h.send(
                    "N306,R017,00-00-00,LEXINGTON AV/53,EM6,IND,12/30/2023,05:00:00,RECOVR AUD,7,569");
            h.send(
                    "N306,R017,00-00-00,LEXINGTON AV/53,EM6,IND,12/30/2023,07:00:00,REGULAR,22619,30587");
            h.watermark("2023-12-30T07:00:00");

            assertThat(h.deltas()).isEmpty();
            assertThat(h.anomalies())
                    .extracting(
                            a ->
                                    tuple(
                                            a.readingTime.toLocalTime().toString(),
                                            a.counter,
                                            a.delta,
                                            a.threshold))
                    .containsExactly(
                            tuple("05:00", "ENTRIES", 22611L, 4000L),
                            tuple("05:00", "EXITS", 30017L, 4000L),
                            tuple("07:00", "ENTRIES", 22612L, 4000L),
                            tuple("07:00", "EXITS", 30018L, 4000L));
            assertThat(h.metric(CounterDeltas.METRIC_ANOMALIES)).isEqualTo(4);
        }
    }

    @Test
    void kafkaRedeliveryAndSameTimeDuplicatesKeepTheFirstArrival() throws Exception {
        try (DeltaHarness h = new DeltaHarness(CounterRules.defaults())) {
            h.send(A002_0000);
            h.send(A002_0400);
            h.send(A002_0400); // redelivered at a new offset
            // A second REGULAR reading at 08:00 with other values: the first to arrive wins.
            TurnstileReading first = h.send(A002_0800);
            h.send("A002,R051,02-00-00,59 ST,NQR456W,BMT,05/27/2023,08:00:00,REGULAR,9999,9999");
            h.watermark("2023-05-27T08:00:00");

            assertDeltas(h.deltas())
                    .containsExactly(
                            delta("2023-05-27T04:00", 9, 5), delta("2023-05-27T08:00", 8, 20));
            assertThat(first.offset).isEqualTo(3);
            assertThat(h.metric(CounterDeltas.METRIC_DUPLICATES)).isEqualTo(2);
            assertThat(h.metric(CounterDeltas.METRIC_READINGS)).isEqualTo(5);
        }
    }

    @Test
    void aJumpOfMillionsInFourHoursIsAnAnomalyAndTheJumpedValueBecomesTheBaseline()
            throws Exception {
        try (DeltaHarness h = new DeltaHarness(CounterRules.defaults())) {
            // Real: R245A 59 ST, +2.1M ENTRIES between 19:00 and 23:00 (240113), then 240120.
            h.send(
                    "R245A,R051,01-06-00,59 ST,456NQRW,IRT,01/12/2024,15:00:00,REGULAR,3596988,5325468");
            h.send(
                    "R245A,R051,01-06-00,59 ST,456NQRW,IRT,01/12/2024,19:00:00,REGULAR,3597009,5325608");
            h.send(
                    "R245A,R051,01-06-00,59 ST,456NQRW,IRT,01/12/2024,23:00:00,REGULAR,5741581,9788650");
            h.send(
                    "R245A,R051,01-06-00,59 ST,456NQRW,IRT,01/13/2024,03:00:00,REGULAR,5741586,9788662");
            h.send(
                    "R245A,R051,01-06-00,59 ST,456NQRW,IRT,01/13/2024,07:00:00,REGULAR,5741587,9788668");
            h.watermark("2024-01-13T07:00:00");

            assertDeltas(h.deltas())
                    .containsExactly(
                            delta("2024-01-12T19:00", 21, 140),
                            delta("2024-01-13T03:00", 5, 12),
                            delta("2024-01-13T07:00", 1, 6));
            assertThat(h.anomalies())
                    .extracting(
                            a ->
                                    tuple(
                                            a.counter,
                                            a.kind,
                                            a.previousValue,
                                            a.currentValue,
                                            a.delta,
                                            a.threshold))
                    .containsExactly(
                            tuple("ENTRIES", "anomaly", 3597009L, 5741581L, 2144572L, 8000L),
                            tuple("EXITS", "anomaly", 5325608L, 9788650L, 4463042L, 8000L));
            assertThat(h.metric(CounterDeltas.METRIC_ANOMALIES)).isEqualTo(2);
        }
    }

    @Test
    void fifteenMinuteReadingsAreJudgedAgainstAtLeastOneHoursAllowance() throws Exception {
        try (DeltaHarness h = new DeltaHarness(CounterRules.defaults())) {
            // Real: C009 ATL AV-BARCLAY reports every 15 minutes.
            h.send(
                    "C009,R057,03-00-00,ATL AV-BARCLAY,BDNQR2345,BMT,05/27/2023,00:00:00,REGULAR,1332681,3123900");
            h.send(
                    "C009,R057,03-00-00,ATL AV-BARCLAY,BDNQR2345,BMT,05/27/2023,00:15:00,REGULAR,1332683,3123922");
            h.send(
                    "C009,R057,03-00-00,ATL AV-BARCLAY,BDNQR2345,BMT,05/27/2023,00:30:00,REGULAR,1332686,3123966");
            h.send(
                    "C009,R057,03-00-00,ATL AV-BARCLAY,BDNQR2345,BMT,05/27/2023,00:45:00,REGULAR,1332688,3123977");
            // 1500 in 15 minutes is still within the one-hour floor of 2000 ...
            h.send(
                    "C009,R057,03-00-00,ATL AV-BARCLAY,BDNQR2345,BMT,05/27/2023,01:00:00,REGULAR,1334188,3123998");
            // ... 2001 is not.
            h.send(
                    "C009,R057,03-00-00,ATL AV-BARCLAY,BDNQR2345,BMT,05/27/2023,01:15:00,REGULAR,1336189,3124011");
            h.watermark("2023-05-27T01:15:00");

            assertDeltas(h.deltas())
                    .containsExactly(
                            delta("2023-05-27T00:15", 2, 22),
                            delta("2023-05-27T00:30", 3, 44),
                            delta("2023-05-27T00:45", 2, 11),
                            delta("2023-05-27T01:00", 1500, 21),
                            delta("2023-05-27T01:15", 0, 13));
            assertThat(h.anomalies())
                    .extracting(a -> tuple(a.counter, a.delta, a.threshold))
                    .containsExactly(tuple("ENTRIES", 2001L, 2000L));
        }
    }

    @Test
    void offHourReadingsUseTheExactTimeBetweenReadings() throws Exception {
        try (DeltaHarness h = new DeltaHarness(CounterRules.defaults())) {
            // Real: N606 JAMAICA CENTER, an off-hour REGULAR and a RECOVR AUD 52k above it.
            h.send(
                    "N606,R025,00-05-00,JAMAICA CENTER,EJZ,IND,05/30/2023,08:00:00,REGULAR,489988,0");
            h.send(
                    "N606,R025,00-05-00,JAMAICA CENTER,EJZ,IND,05/30/2023,09:29:38,REGULAR,490001,0");
            h.send(
                    "N606,R025,00-05-00,JAMAICA CENTER,EJZ,IND,05/30/2023,11:45:00,RECOVR AUD,542824,0");
            h.send(
                    "N606,R025,00-05-00,JAMAICA CENTER,EJZ,IND,05/30/2023,12:00:00,REGULAR,490015,0");
            h.send(
                    "N606,R025,00-05-00,JAMAICA CENTER,EJZ,IND,05/30/2023,16:00:00,REGULAR,490057,0");
            h.watermark("2023-05-30T16:00:00");

            assertDeltas(h.deltas())
                    .containsExactly(
                            delta("2023-05-30T09:29:38", 13, 0),
                            // EXITS (always 0 here) is still counted, so the reading yields a row.
                            delta("2023-05-30T11:45", 0, 0),
                            delta("2023-05-30T12:00", 0, 0),
                            delta("2023-05-30T16:00", 42, 0));
            assertThat(h.anomalies())
                    .extracting(
                            a ->
                                    tuple(
                                            a.readingTime.toLocalTime().toString(),
                                            a.delta,
                                            a.threshold))
                    .containsExactly(
                            // 2000/h x 2h15m22s = 4512.2
                            tuple("11:45", 52823L, 4512L),
                            // 15 minutes: the one-hour floor
                            tuple("12:00", 52809L, 2000L));
        }
    }

    @Test
    void readingsMoreThanMaxGapApartStartANewBaselineAndRecordTheGap() throws Exception {
        try (DeltaHarness h = new DeltaHarness(CounterRules.defaults())) {
            h.send(A002_0000);
            h.send("A002,R051,02-00-00,59 ST,NQR456W,BMT,05/28/2023,00:00:01,REGULAR,2300,1100");
            h.send("A002,R051,02-00-00,59 ST,NQR456W,BMT,05/28/2023,04:00:01,REGULAR,2310,1105");
            // Exactly 24 hours apart is not more than the gap: counted.
            h.send(
                    "A011,R080,01-03-00,57 ST-7 AV,NQRW,BMT,05/27/2023,00:00:00,REGULAR,885337107,488548944");
            h.send(
                    "A011,R080,01-03-00,57 ST-7 AV,NQRW,BMT,05/28/2023,00:00:00,REGULAR,885336805,488547382");
            h.watermark("2023-05-28T04:00:01");

            assertThat(h.deltas())
                    .extracting(d -> tuple(d.ca, d.deltaTime, d.entries, d.exits))
                    .containsExactly(
                            tuple("A011", LocalDateTime.parse("2023-05-28T00:00"), 302L, 1562L),
                            tuple("A002", LocalDateTime.parse("2023-05-28T04:00:01"), 10L, 5L));
            assertThat(h.anomalies())
                    .extracting(
                            a ->
                                    tuple(
                                            a.kind,
                                            a.counter,
                                            a.previousValue,
                                            a.currentValue,
                                            a.threshold))
                    .containsExactly(
                            tuple("gap", "ENTRIES", 2040L, 2300L, null),
                            tuple("gap", "EXITS", 985L, 1100L, null));
            assertThat(h.metric(CounterDeltas.METRIC_GAPS)).isEqualTo(1);
        }
    }

    @Test
    void outOfOrderArrivalIsCommittedInReadingTimeOrderAsTheWatermarkPasses() throws Exception {
        try (DeltaHarness h = new DeltaHarness(CounterRules.defaults())) {
            h.send(A002_1200);
            h.send(A002_0400);
            h.send(A002_0800);
            h.watermark("2023-05-26T23:59:59");
            h.send(A002_0000);
            assertThat(h.deltas()).as("nothing before the watermark passes").isEmpty();
            assertThat(h.late()).isEmpty();
            assertThat(h.stateEntries()).as("one value per turnstile").isEqualTo(1);

            h.watermark("2023-05-27T08:00:00");
            assertDeltas(h.deltas())
                    .containsExactly(
                            delta("2023-05-27T04:00", 9, 5), delta("2023-05-27T08:00", 8, 20));

            h.watermark("2023-05-27T12:00:00");
            assertDeltas(h.deltas())
                    .containsExactly(
                            delta("2023-05-27T04:00", 9, 5),
                            delta("2023-05-27T08:00", 8, 20),
                            delta("2023-05-27T12:00", 35, 38));
            assertThat(h.anomalies()).isEmpty();
        }
    }

    @Test
    void aReadingBehindTheWatermarkIsRejectedAsLateWithItsKafkaCoordinates() throws Exception {
        try (DeltaHarness h = new DeltaHarness(CounterRules.defaults())) {
            h.send(A002_0000);
            h.send(A002_0400);
            h.watermark("2023-05-27T08:00:00");
            h.send(A002_0800); // exactly at the watermark: already promised not to come
            h.send(A002_1200);
            h.watermark("2023-05-27T12:00:00");

            assertDeltas(h.deltas())
                    .containsExactly(
                            delta("2023-05-27T04:00", 9, 5),
                            // 12:00 is differenced against 04:00: the late 08:00 never counted.
                            delta("2023-05-27T12:00", 43, 58));
            assertThat(h.late())
                    .singleElement()
                    .satisfies(
                            r -> {
                                assertThat(r.reason).isEqualTo("late");
                                assertThat(r.topic).isEqualTo(DeltaHarness.TOPIC);
                                assertThat(r.partition).isZero();
                                assertThat(r.offset).isEqualTo(2);
                                assertThat(r.detail)
                                        .contains("2023-05-27T08:00")
                                        .contains("watermark 2023-05-27T08:00");
                            });
            assertThat(h.metric(CounterDeltas.METRIC_LATE)).isEqualTo(1);
        }
    }

    @Test
    void allowedLatenessKeepsReadingsOpenForOrderingThatLong() throws Exception {
        CounterRules rules = CounterRules.defaults().withAllowedLateness(Duration.ofHours(2));
        try (DeltaHarness h = new DeltaHarness(rules)) {
            h.send(A002_0000);
            h.send(A002_0800);
            h.watermark("2023-05-27T09:00:00");
            assertThat(h.deltas()).as("08:00 is held until 10:00").isEmpty();

            // 5 hours behind the watermark... but 04:00 + 2 h <= 09:00: late.
            h.send(A002_0400);
            // 1 hour behind the watermark, within the lateness: sorted in before 08:00.
            h.send("A002,R051,02-00-00,59 ST,NQR456W,BMT,05/27/2023,07:30:00,REGULAR,2055,1000");
            h.watermark("2023-05-27T10:00:00");

            assertDeltas(h.deltas())
                    .containsExactly(
                            delta("2023-05-27T07:30", 15, 15), delta("2023-05-27T08:00", 2, 10));
            assertThat(h.late()).extracting(r -> r.offset).containsExactly(2L);
        }
    }

    @Test
    void intervalModeEmitsEachDeduplicatedReadingAsItsOwnDelta() throws Exception {
        CounterRules rules = CounterRules.defaults().withMode(CounterMode.INTERVAL);
        try (DeltaHarness h = new DeltaHarness(rules)) {
            String first =
                    "A002,R001,02-00-00,Test-Station2,456NQR,BMT,11/21/2025,04:30:12,REGULAR,7,9";
            h.send(first);
            h.send("A002,R001,02-00-00,Test-Station2,456NQR,BMT,11/21/2025,04:30:22,REGULAR,5,6");
            h.send(first); // redelivered
            h.send("A002,R001,02-00-00,Test-Station2,456NQR,BMT,11/23/2025,04:30:32,REGULAR,10,8");
            h.watermark("2025-11-23T04:30:32");

            assertDeltas(h.deltas())
                    .containsExactly(
                            delta("2025-11-21T04:30:12", 7, 9),
                            delta("2025-11-21T04:30:22", 5, 6),
                            // no baseline, so a two-day pause is no gap
                            delta("2025-11-23T04:30:32", 10, 8));
            assertThat(h.anomalies()).isEmpty();
            assertThat(h.metric(CounterDeltas.METRIC_DUPLICATES)).isEqualTo(1);
            assertThat(h.stateEntries()).as("interval mode keeps nothing once committed").isZero();
            assertThat(h.harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void stateIsRemovedOnceTheBaselineRetentionHasPassed() throws Exception {
        try (DeltaHarness h = new DeltaHarness(CounterRules.defaults())) {
            h.send(A002_0000);
            h.send(A002_0400);
            h.send(A002_0800);
            h.send(A002_1200);
            assertThat(h.stateEntries()).as("pending readings, one value").isEqualTo(1);

            h.watermark("2023-05-27T04:00:00");
            assertThat(h.stateEntries())
                    .as("pending readings and baseline, one value")
                    .isEqualTo(1);

            h.watermark("2023-05-27T12:00:00");
            assertThat(h.stateEntries()).as("only the baseline").isEqualTo(1);
            assertThat(h.harness.numEventTimeTimers())
                    .as("one cleanup timer per turnstile, not one per reading")
                    .isEqualTo(1);

            h.watermark("2023-06-03T11:59:59.999");
            assertThat(h.stateEntries()).isEqualTo(1);

            h.watermark("2023-06-03T12:00:00");
            assertThat(h.stateEntries()).as("7 days after the last reading").isZero();
            assertThat(h.harness.numEventTimeTimers()).isZero();

            // A reading after the retention is a fresh baseline: no delta, no gap record.
            h.send("A002,R051,02-00-00,59 ST,NQR456W,BMT,06/03/2023,16:00:00,REGULAR,3000,2000");
            h.watermark("2023-06-03T16:00:00");
            assertThat(h.deltas()).hasSize(3);
            assertThat(h.anomalies()).isEmpty();
        }
    }

    @Test
    void pendingReadingsAndBaselinesSurviveASnapshotAndRestore() throws Exception {
        OperatorSubtaskState snapshot;
        List<TurnstileDelta> beforeSnapshot;
        try (DeltaHarness h = new DeltaHarness(CounterRules.defaults())) {
            h.send(A002_0000);
            h.send(A002_0400);
            h.watermark("2023-05-27T04:00:00");
            h.send(A002_1200); // still pending at the snapshot
            beforeSnapshot = h.deltas();
            snapshot = h.snapshot();
        }
        try (DeltaHarness restored = new DeltaHarness(CounterRules.defaults(), snapshot)) {
            restored.send(A002_0800);
            restored.watermark("2023-05-27T12:00:00");

            assertDeltas(beforeSnapshot).containsExactly(delta("2023-05-27T04:00", 9, 5));
            assertDeltas(restored.deltas())
                    .containsExactly(
                            delta("2023-05-27T08:00", 8, 20), delta("2023-05-27T12:00", 35, 38));
        }
    }

    @Test
    void theLatenessWatermarkSurvivesARestoreSoARestoredJobRejectsWhatTheOldOneWould()
            throws Exception {
        OperatorSubtaskState snapshot;
        try (DeltaHarness h = new DeltaHarness(CounterRules.defaults())) {
            h.send(A002_0000);
            h.send(A002_0400);
            h.send(A002_1200);
            h.watermark("2023-05-27T12:00:00");
            snapshot = h.snapshot();
        }
        try (DeltaHarness restored = new DeltaHarness(CounterRules.defaults(), snapshot)) {
            // No watermark has reached the restored operator yet; the 08:00 reading is behind
            // the one checkpointed, and an uninterrupted run would have rejected it.
            restored.send(A002_0800);
            assertThat(restored.late())
                    .singleElement()
                    .satisfies(r -> assertThat(r.detail).contains("watermark 2023-05-27T12:00"));

            restored.send(
                    "A002,R051,02-00-00,59 ST,NQR456W,BMT,05/27/2023,16:00:00,REGULAR,2100,1050");
            restored.watermark("2023-05-27T16:00:00");
            assertDeltas(restored.deltas()).containsExactly(delta("2023-05-27T16:00", 8, 2));

            restored.watermark("2023-06-03T16:00:00");
            assertThat(restored.stateEntries()).isZero();
            assertThat(restored.harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void anIntervalCountAboveTheCeilingIsAnAnomalyAndCountsNothing() throws Exception {
        CounterRules rules =
                CounterRules.defaults().withMode(CounterMode.INTERVAL).withMaxIntervalCount(1000);
        try (DeltaHarness h = new DeltaHarness(rules)) {
            h.send("A002,R001,02-00-00,Test-Station2,456NQR,BMT,11/21/2025,04:00:00,REGULAR,7,9");
            h.send(
                    "A002,R001,02-00-00,Test-Station2,456NQR,BMT,11/21/2025,08:00:00,REGULAR,"
                            + Long.MAX_VALUE
                            + ",12");
            h.send(
                    "A002,R001,02-00-00,Test-Station2,456NQR,BMT,11/21/2025,12:00:00,REGULAR,"
                            + Long.MAX_VALUE
                            + ","
                            + Long.MAX_VALUE);
            h.watermark("2025-11-21T12:00:00");

            assertDeltas(h.deltas())
                    .as("a window summing these could never overflow")
                    .containsExactly(
                            delta("2025-11-21T04:00", 7, 9), delta("2025-11-21T08:00", 0, 12));
            assertThat(h.anomalies())
                    .extracting(a -> tuple(a.readingTime, a.counter, a.kind, a.threshold))
                    .containsExactly(
                            tuple(
                                    LocalDateTime.parse("2025-11-21T08:00"),
                                    "ENTRIES",
                                    "anomaly",
                                    1000L),
                            tuple(
                                    LocalDateTime.parse("2025-11-21T12:00"),
                                    "ENTRIES",
                                    "anomaly",
                                    1000L),
                            tuple(
                                    LocalDateTime.parse("2025-11-21T12:00"),
                                    "EXITS",
                                    "anomaly",
                                    1000L));
            assertThat(h.metric(CounterDeltas.METRIC_ANOMALIES)).isEqualTo(3);
            assertThat(h.stateEntries()).isZero();
            assertThat(h.harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void everyStateAndRecordTypeHasAFlinkSerializerNotKryo() {
        for (Class<?> type :
                List.of(
                        TurnstileCounter.class,
                        TurnstileCounter.Baseline.class,
                        TurnstileReading.class,
                        TurnstileKey.class,
                        ParseResult.class,
                        Reject.class,
                        CounterAnomaly.class)) {
            assertThat(TypeInformation.of(type)).as("%s", type).isInstanceOf(PojoTypeInfo.class);
            PojoTestUtils.assertSerializedAsPojoWithoutKryo(type);
        }
    }

    @Test
    void metricsCountEveryOutcome() throws Exception {
        try (DeltaHarness h = new DeltaHarness(CounterRules.defaults())) {
            h.send(A002_0000);
            h.send(A002_0400);
            h.send(A002_0400);
            h.send("A002,R051,02-00-00,59 ST,NQR456W,BMT,05/27/2023,08:00:00,REGULAR,9000000,1010");
            h.send("A002,R051,02-00-00,59 ST,NQR456W,BMT,05/29/2023,08:00:00,REGULAR,9000100,1100");
            h.watermark("2023-05-29T08:00:00");
            h.send(A002_1200);

            assertThat(h.metric(CounterDeltas.METRIC_READINGS)).isEqualTo(6);
            assertThat(h.metric(CounterDeltas.METRIC_DUPLICATES)).isEqualTo(1);
            assertThat(h.metric(CounterDeltas.METRIC_DELTAS)).isEqualTo(2);
            assertThat(h.metric(CounterDeltas.METRIC_ANOMALIES)).isEqualTo(1);
            assertThat(h.metric(CounterDeltas.METRIC_GAPS)).isEqualTo(1);
            assertThat(h.metric(CounterDeltas.METRIC_LATE)).isEqualTo(1);
            assertThat(h.deltas()).hasSize(2);
            assertThat(h.anomalies()).hasSize(3);
            assertThat(h.late()).hasSize(1);
        }
    }

    @Test
    void readingsReachStateOnlyAtACheckpointOneValuePerTurnstile() throws Exception {
        try (DeltaHarness h = new DeltaHarness(CounterRules.defaults())) {
            h.send(A002_0000);
            h.send(A002_0400);
            h.send(A002_0800);
            h.watermark("2023-05-27T04:00:00");
            h.send(A002_1200);

            assertThat(h.stateEntriesBeforeACheckpoint())
                    .as("held on the heap until the barrier")
                    .isZero();
            assertThat(h.harness.numEventTimeTimers())
                    .as("the retention timer only, none per reading")
                    .isEqualTo(1);
            assertThat(h.stateEntries()).as("written back before the barrier").isEqualTo(1);
            assertDeltas(h.deltas()).containsExactly(delta("2023-05-27T04:00", 9, 5));
        }
    }

    @Test
    void aBoundedHeapBufferWritesBackEarlyAndGivesTheSameDeltas() throws Exception {
        List<String> lines =
                List.of(
                        A002_0800,
                        "A011,R080,01-03-00,57 ST-7 AV,NQRW,BMT,05/27/2023,00:00:00,REGULAR,885337107,488548944",
                        A002_0000,
                        "C009,R057,03-00-00,ATL AV-BARCLAY,BDNQR2345,BMT,05/27/2023,00:00:00,REGULAR,1332681,3123900",
                        A002_0400,
                        "A011,R080,01-03-00,57 ST-7 AV,NQRW,BMT,05/27/2023,04:00:00,REGULAR,885337086,488548895",
                        A002_1200,
                        "C009,R057,03-00-00,ATL AV-BARCLAY,BDNQR2345,BMT,05/27/2023,00:15:00,REGULAR,1332683,3123922");
        List<TurnstileDelta> unbounded;
        try (DeltaHarness h = new DeltaHarness(CounterRules.defaults())) {
            lines.forEach(line -> send(h, line));
            h.watermark("2023-05-27T12:00:00");
            unbounded = h.deltas();
        }
        try (DeltaHarness h = new DeltaHarness(CounterRules.defaults(), 1, null)) {
            CounterDeltaOperator operator = (CounterDeltaOperator) h.harness.getOperator();
            for (String line : lines) {
                send(h, line);
                assertThat(operator.heldTurnstiles()).isLessThanOrEqualTo(1);
            }
            assertThat(h.stateEntriesBeforeACheckpoint())
                    .as("evicted turnstiles are in state")
                    .isEqualTo(3);
            h.watermark("2023-05-27T12:00:00");

            assertThat(unbounded).hasSize(5);
            assertThat(h.deltas()).containsExactlyInAnyOrderElementsOf(unbounded);
            assertThat(h.late()).isEmpty();
        }
    }

    @Test
    void theWatermarkIsForwardedTheAllowedLatenessBehindSoNoDeltaIsBehindIt() throws Exception {
        CounterRules rules = CounterRules.defaults().withAllowedLateness(Duration.ofHours(2));
        try (DeltaHarness h = new DeltaHarness(rules)) {
            h.send(A002_0000);
            h.send(A002_0400);
            h.watermark("2023-05-27T05:00:00");
            h.watermark("2023-05-27T06:00:00");
            h.harness.processWatermark(Long.MAX_VALUE);

            long forwardedBeforeCommit =
                    TurnstileTime.toEpochMillis(LocalDateTime.parse("2023-05-27T03:00"));
            assertThat(h.forwardedWatermarks())
                    .containsExactly(
                            forwardedBeforeCommit,
                            TurnstileTime.toEpochMillis(LocalDateTime.parse("2023-05-27T04:00")),
                            Long.MAX_VALUE);
            // 04:00 is committed by the watermark of 06:00, after 03:00 was forwarded and before
            // 04:00 is: the delta is never behind the watermark its windows have seen.
            assertThat(h.harness.getOutput())
                    .extracting(
                            e ->
                                    e instanceof StreamRecord
                                            ? "record " + ((StreamRecord<?>) e).getTimestamp()
                                            : e.toString())
                    .containsExactly(
                            "Watermark @ " + forwardedBeforeCommit,
                            "record "
                                    + TurnstileTime.toEpochMillis(
                                            LocalDateTime.parse("2023-05-27T04:00")),
                            "Watermark @ "
                                    + TurnstileTime.toEpochMillis(
                                            LocalDateTime.parse("2023-05-27T04:00")),
                            "Watermark @ " + Long.MAX_VALUE);
            assertDeltas(h.deltas()).containsExactly(delta("2023-05-27T04:00", 9, 5));
        }
    }

    @Test
    void aRestoredOperatorCommitsPendingReadingsOfTurnstilesThatSendNothingMore() throws Exception {
        OperatorSubtaskState snapshot;
        try (DeltaHarness h = new DeltaHarness(CounterRules.defaults())) {
            h.send(A002_0000);
            h.send(A002_0400);
            h.send(A002_0800);
            snapshot = h.snapshot();
            assertThat(h.deltas()).isEmpty();
        }
        try (DeltaHarness restored = new DeltaHarness(CounterRules.defaults(), snapshot)) {
            restored.watermark("2023-05-27T08:00:00");

            assertDeltas(restored.deltas())
                    .containsExactly(
                            delta("2023-05-27T04:00", 9, 5), delta("2023-05-27T08:00", 8, 20));
            restored.watermark("2023-06-03T08:00:00");
            assertThat(restored.stateEntries()).isZero();
            assertThat(restored.harness.numEventTimeTimers()).isZero();
        }
    }

    private static void send(DeltaHarness h, String line) {
        try {
            h.send(line);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
