package io.streamwarehouse.turnstile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamwarehouse.config.PipelineConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CounterRulesTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        CounterRules rules = CounterRules.defaults();

        assertThat(rules.mode()).isEqualTo(CounterMode.CUMULATIVE);
        assertThat(rules.maxGap()).isEqualTo(Duration.ofHours(24));
        assertThat(rules.maxPerHour()).isEqualTo(2000);
        assertThat(rules.allowedLateness()).isZero();
        assertThat(rules.baselineRetention()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void thresholdIsMaxPerHourTimesAtLeastOneHour() {
        CounterRules rules = CounterRules.defaults();

        assertThat(rules.thresholdFor(Duration.ofMinutes(15).toMillis())).isEqualTo(2000);
        assertThat(rules.thresholdFor(Duration.ofHours(1).toMillis())).isEqualTo(2000);
        assertThat(rules.thresholdFor(Duration.ofHours(4).toMillis())).isEqualTo(8000);
        assertThat(rules.thresholdFor(Duration.ofMinutes(90).toMillis())).isEqualTo(3000);
        // PATH's 4 h 12 min schedule: 2000 x 4.2
        assertThat(rules.thresholdFor(Duration.ofMinutes(252).toMillis())).isEqualTo(8400);
        assertThat(rules.withMaxPerHour(10).thresholdFor(Duration.ofHours(24).toMillis()))
                .isEqualTo(240);
    }

    @Test
    void theCounterModeFollowsTheFormatUnlessSet() {
        assertThat(CounterRules.from(PipelineConfig.of(Map.of())).mode())
                .isEqualTo(CounterMode.CUMULATIVE);
        assertThat(
                        CounterRules.from(
                                        PipelineConfig.of(
                                                Map.of("turnstile.format", "producer-csv")))
                                .mode())
                .as("the original producer sends per-interval counts")
                .isEqualTo(CounterMode.INTERVAL);
        assertThat(
                        CounterRules.from(
                                        PipelineConfig.of(
                                                Map.of(
                                                        "turnstile.format", "producer-csv",
                                                        "turnstile.counter-mode", "cumulative")))
                                .mode())
                .isEqualTo(CounterMode.CUMULATIVE);
    }

    @Test
    void configValuesAreValidated() {
        CounterRules fromConfig =
                CounterRules.from(
                        PipelineConfig.of(
                                Map.of(
                                        "turnstile.counter-mode", "interval",
                                        "turnstile.max-gap", "6 h",
                                        "turnstile.max-per-hour", "500",
                                        "turnstile.max-interval-count", "900",
                                        "turnstile.allowed-lateness", "5 min")));
        assertThat(fromConfig.mode()).isEqualTo(CounterMode.INTERVAL);
        assertThat(fromConfig.maxGap()).isEqualTo(Duration.ofHours(6));
        assertThat(fromConfig.maxPerHour()).isEqualTo(500);
        assertThat(fromConfig.allowedLateness()).isEqualTo(Duration.ofMinutes(5));
        assertThat(fromConfig.maxIntervalCount()).isEqualTo(900);
        assertThat(
                        CounterRules.from(PipelineConfig.of(Map.of("turnstile.max-gap", "10 d")))
                                .baselineRetention())
                .as("never shorter than the gap")
                .isEqualTo(Duration.ofDays(10));

        assertThatThrownBy(() -> CounterMode.fromConfig("delta"))
                .hasMessageContaining("cumulative, interval");
        assertThatThrownBy(() -> CounterRules.defaults().withMaxGap(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CounterRules.defaults().withMaxPerHour(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CounterRules.defaults().withMaxIntervalCount(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () -> CounterRules.defaults().withMaxIntervalCount(Integer.MAX_VALUE + 1L))
                .as("a larger ceiling could let window sums overflow")
                .hasMessageContaining("turnstile.max-interval-count");
        assertThatThrownBy(
                        () -> CounterRules.defaults().withAllowedLateness(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CounterRules.defaults().withBaselineRetention(Duration.ofHours(1)))
                .hasMessageContaining("turnstile.max-gap");
        assertThatThrownBy(() -> CounterRules.defaults().withMaxPerHour(Long.MAX_VALUE / 1000))
                .hasMessageContaining("overflows");
    }
}
