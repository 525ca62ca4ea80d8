package io.streamwarehouse.turnstile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
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
    void configValuesAreValidated() {
        CounterRules fromConfig =
                CounterRules.fromConfig(
                        "interval", Duration.ofHours(6), 500, Duration.ofMinutes(5));
        assertThat(fromConfig.mode()).isEqualTo(CounterMode.INTERVAL);
        assertThat(fromConfig.maxGap()).isEqualTo(Duration.ofHours(6));
        assertThat(fromConfig.maxPerHour()).isEqualTo(500);
        assertThat(fromConfig.allowedLateness()).isEqualTo(Duration.ofMinutes(5));
        assertThat(
                        CounterRules.fromConfig("cumulative", Duration.ofDays(10), 1, Duration.ZERO)
                                .baselineRetention())
                .as("never shorter than the gap")
                .isEqualTo(Duration.ofDays(10));

        assertThatThrownBy(() -> CounterMode.fromConfig("delta"))
                .hasMessageContaining("cumulative, interval");
        assertThatThrownBy(() -> CounterRules.defaults().withMaxGap(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CounterRules.defaults().withMaxPerHour(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () -> CounterRules.defaults().withAllowedLateness(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CounterRules.defaults().withBaselineRetention(Duration.ofHours(1)))
                .hasMessageContaining("turnstile.max-gap");
        assertThatThrownBy(() -> CounterRules.defaults().withMaxPerHour(Long.MAX_VALUE / 1000))
                .hasMessageContaining("overflows");
    }
}
