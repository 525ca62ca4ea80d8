package io.streamwarehouse.turnstile;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwarehouse.turnstile.parse.ParseResult;
import java.time.Duration;
import java.time.LocalDateTime;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.junit.jupiter.api.Test;

class TurnstileTimeTest {

    @Test
    void wallClockIsReadAsUtcAndComesBackUnchanged() {
        LocalDateTime offHour = LocalDateTime.of(2023, 5, 30, 9, 29, 38);

        assertThat(TurnstileTime.toEpochMillis(LocalDateTime.of(1970, 1, 1, 1, 0)))
                .isEqualTo(3_600_000L);
        assertThat(TurnstileTime.fromEpochMillis(TurnstileTime.toEpochMillis(offHour)))
                .isEqualTo(offHour);
        // The autumn clock change in New York: 01:30 happens twice in real time but is one value
        // here, and spring's missing 02:30 still exists; both are total and ordered.
        LocalDateTime fallBack = LocalDateTime.of(2023, 11, 5, 1, 30);
        LocalDateTime springForward = LocalDateTime.of(2023, 3, 12, 2, 30);
        assertThat(
                        TurnstileTime.toEpochMillis(fallBack.plusHours(1))
                                - TurnstileTime.toEpochMillis(fallBack))
                .isEqualTo(Duration.ofHours(1).toMillis());
        assertThat(TurnstileTime.fromEpochMillis(TurnstileTime.toEpochMillis(springForward)))
                .isEqualTo(springForward);
    }

    @Test
    void watermarkStrategyStampsReadingsWithTheirReadingTimeAndRejectsWithNone() {
        TurnstileReading reading =
                new TurnstileReading(
                        "A002",
                        "R051",
                        "02-00-00",
                        "59 ST",
                        "NQR456W",
                        "BMT",
                        LocalDateTime.of(2023, 5, 27, 4, 0),
                        TurnstileReading.REGULAR,
                        2049,
                        990);
        TimestampAssigner<ParseResult> assigner =
                TurnstileTime.watermarks(Duration.ofMinutes(30), Duration.ofMinutes(1))
                        .createTimestampAssigner(null);

        assertThat(assigner.extractTimestamp(ParseResult.ok(reading), 17L))
                .isEqualTo(reading.eventTimeMillis())
                .isEqualTo(TurnstileTime.toEpochMillis(LocalDateTime.of(2023, 5, 27, 4, 0)));
        Reject reject = new Reject("t", 0, 1, RejectReason.EMPTY, "no value", new byte[0]);
        assertThat(assigner.extractTimestamp(ParseResult.rejected(reject), 17L))
                .as("a reject must never move the watermark")
                .isEqualTo(Long.MIN_VALUE);
    }
}
