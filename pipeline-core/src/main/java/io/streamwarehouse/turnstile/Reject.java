package io.streamwarehouse.turnstile;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A Kafka record that was not counted, kept byte for byte with the reason.
 *
 * <p>Its natural key is the record's Kafka coordinates (topic, partition, offset): a replay after a
 * failover rejects the same record at the same coordinates again, so the warehouse insert can be
 * {@code ON CONFLICT DO NOTHING} and stay exactly-once in effect.
 */
public class Reject {
    public String topic;
    public int partition;
    public long offset;

    /** A {@link RejectReason#code()}. */
    public String reason;

    /**
     * Human-readable: which field and value failed, so a reject can be fixed without a debugger.
     */
    public String detail;

    /**
     * The record value as received (the first maximum-record-size bytes of an oversized one); null
     * when a reading was rejected after parsing (late), where {@link #detail} holds it.
     */
    public byte[] raw;

    public Reject() {}

    public Reject(
            String topic,
            int partition,
            long offset,
            RejectReason reason,
            String detail,
            byte[] raw) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.reason = reason.code();
        this.detail = detail;
        this.raw = raw;
    }

    /** The raw payload as text, for logs and tests; invalid UTF-8 is replaced, not thrown. */
    public String rawText() {
        return raw == null ? null : new String(raw, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "Reject{"
                + topic
                + "/"
                + partition
                + "/"
                + offset
                + " "
                + reason
                + ": "
                + detail
                + (raw == null
                        ? ""
                        : " raw=" + Arrays.toString(Arrays.copyOf(raw, Math.min(raw.length, 32))))
                + "}";
    }
}
