package io.streamwarehouse.turnstile;

import io.streamwarehouse.config.PipelineConfig;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * The thresholds of {@link CounterDeltas}, immutable and serializable so they travel with the
 * function into the cluster. Defaults are the documented ones; each has a config key.
 */
public final class CounterRules implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final long HOUR_MILLIS = Duration.ofHours(1).toMillis();

    /**
     * Baseline retention (not a configuration key; at least {@code turnstile.max-gap}): how long a
     * silent turnstile's last reading is kept. A week covers a booth out of service for days (its
     * return is recorded as a gap) while a removed turnstile's state goes away by itself.
     */
    public static final Duration DEFAULT_BASELINE_RETENTION = Duration.ofDays(7);

    /** Window sums stay far from 2^63 however many readings a window holds. */
    private static final long LARGEST_INTERVAL_CEILING = Integer.MAX_VALUE;

    private final CounterMode mode;
    private final Duration maxGap;
    private final long maxPerHour;
    private final Duration allowedLateness;
    private final Duration baselineRetention;
    private final long maxIntervalCount;

    private CounterRules(
            CounterMode mode,
            Duration maxGap,
            long maxPerHour,
            Duration allowedLateness,
            Duration baselineRetention,
            long maxIntervalCount) {
        this.mode = Objects.requireNonNull(mode, "mode");
        this.maxGap = Objects.requireNonNull(maxGap, "maxGap");
        this.maxPerHour = maxPerHour;
        this.maxIntervalCount = maxIntervalCount;
        if (maxIntervalCount <= 0 || maxIntervalCount > LARGEST_INTERVAL_CEILING) {
            throw new IllegalArgumentException(
                    "turnstile.max-interval-count must be between 1 and "
                            + LARGEST_INTERVAL_CEILING
                            + ": "
                            + maxIntervalCount);
        }
        this.allowedLateness = Objects.requireNonNull(allowedLateness, "allowedLateness");
        this.baselineRetention = Objects.requireNonNull(baselineRetention, "baselineRetention");
        if (maxGap.isNegative() || maxGap.isZero()) {
            throw new IllegalArgumentException("turnstile.max-gap must be positive: " + maxGap);
        }
        if (maxPerHour <= 0) {
            throw new IllegalArgumentException(
                    "turnstile.max-per-hour must be positive: " + maxPerHour);
        }
        if (allowedLateness.isNegative()) {
            throw new IllegalArgumentException(
                    "turnstile.allowed-lateness must not be negative: " + allowedLateness);
        }
        if (baselineRetention.compareTo(maxGap) < 0) {
            // A shorter retention would forget baselines that could still give a delta.
            throw new IllegalArgumentException(
                    "the baseline retention ("
                            + baselineRetention
                            + ") must be at least turnstile.max-gap ("
                            + maxGap
                            + ")");
        }
        try {
            thresholdFor(maxGap.toMillis());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                    "turnstile.max-per-hour x turnstile.max-gap overflows: " + this, e);
        }
    }

    /** The rules of the options' defaults (each written once, beside its option). */
    public static CounterRules defaults() {
        return from(PipelineConfig.defaults());
    }

    /**
     * Rules from the {@code turnstile.*} options, the retention left at its default unless that is
     * shorter than the gap. The counter mode follows the format unless it is set.
     */
    public static CounterRules from(PipelineConfig config) {
        Duration maxGap = config.get(TurnstileOptions.TURNSTILE_MAX_GAP);
        Duration retention =
                maxGap.compareTo(DEFAULT_BASELINE_RETENTION) > 0
                        ? maxGap
                        : DEFAULT_BASELINE_RETENTION;
        return new CounterRules(
                counterMode(config),
                maxGap,
                config.get(TurnstileOptions.TURNSTILE_MAX_PER_HOUR),
                config.get(TurnstileOptions.TURNSTILE_ALLOWED_LATENESS),
                retention,
                config.get(TurnstileOptions.TURNSTILE_MAX_INTERVAL_COUNT));
    }

    /**
     * {@code turnstile.counter-mode}, or the format's own: the original producer sends per-interval
     * counts, the weekly files register values.
     */
    public static CounterMode counterMode(PipelineConfig config) {
        return config.contains(TurnstileOptions.TURNSTILE_COUNTER_MODE)
                ? config.get(TurnstileOptions.TURNSTILE_COUNTER_MODE)
                : config.get(TurnstileOptions.TURNSTILE_FORMAT).counterMode();
    }

    public CounterRules withMode(CounterMode mode) {
        return new CounterRules(
                mode, maxGap, maxPerHour, allowedLateness, baselineRetention, maxIntervalCount);
    }

    public CounterRules withMaxGap(Duration maxGap) {
        return new CounterRules(
                mode, maxGap, maxPerHour, allowedLateness, baselineRetention, maxIntervalCount);
    }

    public CounterRules withMaxPerHour(long maxPerHour) {
        return new CounterRules(
                mode, maxGap, maxPerHour, allowedLateness, baselineRetention, maxIntervalCount);
    }

    public CounterRules withAllowedLateness(Duration allowedLateness) {
        return new CounterRules(
                mode, maxGap, maxPerHour, allowedLateness, baselineRetention, maxIntervalCount);
    }

    public CounterRules withBaselineRetention(Duration baselineRetention) {
        return new CounterRules(
                mode, maxGap, maxPerHour, allowedLateness, baselineRetention, maxIntervalCount);
    }

    public CounterRules withMaxIntervalCount(long maxIntervalCount) {
        return new CounterRules(
                mode, maxGap, maxPerHour, allowedLateness, baselineRetention, maxIntervalCount);
    }

    public CounterMode mode() {
        return mode;
    }

    public Duration maxGap() {
        return maxGap;
    }

    public long maxPerHour() {
        return maxPerHour;
    }

    public Duration allowedLateness() {
        return allowedLateness;
    }

    public Duration baselineRetention() {
        return baselineRetention;
    }

    public long maxIntervalCount() {
        return maxIntervalCount;
    }

    /**
     * The largest plausible change of one counter over {@code gapMillis}: {@code floor(maxPerHour *
     * max(1, hours))}. The floor of one hour keeps 15-minute booths from being judged against a
     * quarter of the allowance, where a short burst would look implausible.
     */
    public long thresholdFor(long gapMillis) {
        long millis = Math.max(HOUR_MILLIS, gapMillis);
        return Math.multiplyExact(maxPerHour, millis) / HOUR_MILLIS;
    }

    @Override
    public String toString() {
        return "CounterRules{mode="
                + mode.configName()
                + ", maxGap="
                + maxGap
                + ", maxPerHour="
                + maxPerHour
                + ", allowedLateness="
                + allowedLateness
                + ", baselineRetention="
                + baselineRetention
                + ", maxIntervalCount="
                + maxIntervalCount
                + "}";
    }
}
