package io.streamwarehouse.turnstile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class WatermarkDelayOperatorTest {

    @Test
    void recordsPassUnchangedAndWatermarksTrailByTheDelay() throws Exception {
        try (OneInputStreamOperatorTestHarness<String, String> harness =
                new OneInputStreamOperatorTestHarness<>(
                        new WatermarkDelayOperator<>(Duration.ofMillis(100)))) {
            harness.open();
            harness.processElement(new StreamRecord<>("a", 50));
            harness.processWatermark(new Watermark(1_000));
            harness.processElement(new StreamRecord<>("b", 950));
            harness.processWatermark(new Watermark(Long.MAX_VALUE));

            assertThat(harness.getOutput())
                    .containsExactly(
                            new StreamRecord<>("a", 50),
                            new Watermark(900),
                            new StreamRecord<>("b", 950),
                            new Watermark(Long.MAX_VALUE));
        }
    }

    @Test
    void noDelayForwardsWatermarksAsTheyAre() throws Exception {
        try (OneInputStreamOperatorTestHarness<String, String> harness =
                new OneInputStreamOperatorTestHarness<>(
                        new WatermarkDelayOperator<>(Duration.ZERO))) {
            harness.open();
            harness.processWatermark(new Watermark(1_000));

            assertThat(harness.getOutput()).containsExactly(new Watermark(1_000));
        }
    }
}
