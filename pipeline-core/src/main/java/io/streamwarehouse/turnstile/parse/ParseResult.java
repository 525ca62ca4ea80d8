package io.streamwarehouse.turnstile.parse;

import io.streamwarehouse.turnstile.Reject;
import io.streamwarehouse.turnstile.TurnstileReading;
import java.util.Objects;

/**
 * Either a reading or a reject: what the job's Kafka source emits for every record. Parsers return
 * this instead of throwing so that one bad record becomes one reject row and never a failed (and
 * endlessly restarting) job.
 *
 * <p>A Flink POJO (public fields, no-arg constructor) because it crosses the source's output: it
 * must not fall back to Kryo. Exactly one field is set.
 */
public class ParseResult {
    public TurnstileReading reading;
    public Reject reject;

    public ParseResult() {}

    private ParseResult(TurnstileReading reading, Reject reject) {
        this.reading = reading;
        this.reject = reject;
    }

    public static ParseResult ok(TurnstileReading reading) {
        return new ParseResult(Objects.requireNonNull(reading), null);
    }

    public static ParseResult rejected(Reject reject) {
        return new ParseResult(null, Objects.requireNonNull(reject));
    }

    public boolean isOk() {
        return reading != null;
    }

    /** The reading; only when {@link #isOk()}. */
    public TurnstileReading reading() {
        if (reading == null) {
            throw new IllegalStateException("rejected: " + reject);
        }
        return reading;
    }

    /** The reject; only when not {@link #isOk()}. */
    public Reject reject() {
        if (reject == null) {
            throw new IllegalStateException("parsed: " + reading);
        }
        return reject;
    }

    @Override
    public String toString() {
        return isOk() ? "ok " + reading : "rejected " + reject;
    }
}
