package io.streamwarehouse.turnstile.parse;

import io.streamwarehouse.turnstile.Reject;
import io.streamwarehouse.turnstile.RejectReason;
import io.streamwarehouse.turnstile.TurnstileReading;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The checks every format shares, in the order that keeps rejects cheap and their reasons precise:
 * emptiness, size (before decoding, so a huge value costs nothing more), strict UTF-8 (a lenient
 * decoder would turn garbage into plausible-looking replacement characters), then the format
 * itself.
 */
abstract class AbstractTextParser implements TurnstileParser {
    private static final long serialVersionUID = 1L;

    private final int maxRecordBytes;

    AbstractTextParser(int maxRecordBytes) {
        if (maxRecordBytes <= 0) {
            throw new IllegalArgumentException(
                    "max record size must be positive: " + maxRecordBytes);
        }
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public final ParseResult parse(String topic, int partition, long offset, byte[] value) {
        if (value == null || value.length == 0) {
            return reject(topic, partition, offset, RejectReason.EMPTY, "no value", value);
        }
        if (value.length > maxRecordBytes) {
            return reject(
                    topic,
                    partition,
                    offset,
                    RejectReason.OVERSIZED,
                    value.length
                            + " bytes, limit "
                            + maxRecordBytes
                            + "; the first "
                            + maxRecordBytes
                            + " bytes are kept",
                    Arrays.copyOf(value, maxRecordBytes));
        }
        String text;
        try {
            text =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(value))
                            .toString();
        } catch (CharacterCodingException e) {
            return reject(topic, partition, offset, RejectReason.NOT_UTF8, e.toString(), value);
        }
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            // A byte order mark from a file exported on Windows: not data.
            text = text.substring(1);
        }
        if (text.isBlank()) {
            return reject(topic, partition, offset, RejectReason.EMPTY, "only whitespace", value);
        }
        try {
            return ParseResult.ok(parseText(text).from(topic, partition, offset));
        } catch (InvalidRecord invalid) {
            return reject(topic, partition, offset, invalid.reason, invalid.getMessage(), value);
        }
    }

    /** Parses a non-blank, decoded value; signals bad input only by {@link InvalidRecord}. */
    abstract TurnstileReading parseText(String text) throws InvalidRecord;

    private static ParseResult reject(
            String topic,
            int partition,
            long offset,
            RejectReason reason,
            String detail,
            byte[] raw) {
        return ParseResult.rejected(new Reject(topic, partition, offset, reason, detail, raw));
    }

    /**
     * Bad input inside a format parser. Checked, so no parser can forget it; without a stack trace,
     * because a topic full of garbage must not cost a stack walk per record.
     */
    static final class InvalidRecord extends Exception {
        private static final long serialVersionUID = 1L;
        final RejectReason reason;

        InvalidRecord(RejectReason reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }
    }
}
