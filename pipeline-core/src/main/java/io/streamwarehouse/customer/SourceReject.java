package io.streamwarehouse.customer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A change event the job cannot apply, kept in {@code audit.source_rejects} instead of being
 * dropped with a log line: what is known of where it came from, why it was refused, and the event
 * with the e-mail policy applied. A Flink POJO.
 */
public class SourceReject {
    /** The event's identity, so a replay adds nothing twice: its source position, or its hash. */
    public String eventId;

    /** The source table, if the event named a captured one. */
    public String sourceTable;

    /** The row's primary key as the source wrote it, if it could be read. */
    public String recordKey;

    /** The source position (binlog file:pos or LSN), if the event had one. */
    public String sourcePosition;

    public String reason;

    /** The event, with the e-mail policy applied to its row images; null if it was not JSON. */
    public String event;

    public SourceReject() {}

    public SourceReject(
            String sourceTable,
            String recordKey,
            String sourcePosition,
            String reason,
            String event,
            String rawEvent) {
        this.sourceTable = sourceTable;
        this.recordKey = recordKey;
        this.sourcePosition = sourcePosition;
        this.reason = Objects.requireNonNull(reason, "reason");
        this.event = event;
        this.eventId =
                sourcePosition != null
                        ? sourceTable + "@" + sourcePosition + ":" + recordKey
                        : "sha256:" + sha256(rawEvent);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(String.valueOf(text).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        // no event text: it holds personal data
        return "SourceReject{" + eventId + ", " + reason + "}";
    }
}
