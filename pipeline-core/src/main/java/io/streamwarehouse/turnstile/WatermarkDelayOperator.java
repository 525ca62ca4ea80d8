package io.streamwarehouse.turnstile;

import java.time.Duration;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Passes records through and holds the watermark back by a fixed delay.
 *
 * <p>Why: {@link CounterDeltaFunction} commits a reading only when the watermark has passed its
 * time plus the allowed lateness, so its deltas come out up to that lateness behind the watermark
 * it forwards. An event-time window downstream would already have fired for them and drop them.
 * Delaying the watermark by the same lateness restores the invariant that no delta is behind the
 * watermark its windows see. With zero lateness this operator is not needed.
 */
public final class WatermarkDelayOperator<T> extends AbstractStreamOperator<T>
        implements OneInputStreamOperator<T, T> {
    private static final long serialVersionUID = 1L;

    private final long delayMillis;

    public WatermarkDelayOperator(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + delay);
        }
        this.delayMillis = delay.toMillis();
    }

    @Override
    public void processElement(StreamRecord<T> element) {
        output.collect(element);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        long time = mark.getTimestamp();
        // End of input must stay the maximum so bounded runs still fire every window.
        boolean endOfInput = time == Long.MAX_VALUE;
        boolean wouldUnderflow = time < Long.MIN_VALUE + delayMillis;
        if (endOfInput || delayMillis == 0) {
            super.processWatermark(mark);
        } else if (!wouldUnderflow) {
            super.processWatermark(new Watermark(time - delayMillis));
        }
    }
}
