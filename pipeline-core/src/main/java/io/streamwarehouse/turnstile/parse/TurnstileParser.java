package io.streamwarehouse.turnstile.parse;

import java.io.Serializable;

/**
 * Turns one Kafka record value into a reading or a reject.
 *
 * <p>Contract: never throws on bad input. Every record ends in exactly one place, a reading or a
 * reject carrying the record's coordinates, so the rejects table plus the counted readings account
 * for every offset on the topic. Implementations are stateless and serializable so one instance can
 * live inside a Flink function.
 */
public interface TurnstileParser extends Serializable {

    ParseResult parse(String topic, int partition, long offset, byte[] value);

    /** A parser for a format ({@code turnstile.format}); the configuration parses the name. */
    static TurnstileParser forFormat(RecordFormat format, int maxRecordBytes) {
        return format.parser(maxRecordBytes);
    }
}
