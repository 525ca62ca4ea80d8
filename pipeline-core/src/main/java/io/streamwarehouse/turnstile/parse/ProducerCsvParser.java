package io.streamwarehouse.turnstile.parse;

import static io.streamwarehouse.turnstile.parse.ReadingFields.preview;
import static io.streamwarehouse.turnstile.parse.ReadingFields.required;

import io.streamwarehouse.turnstile.CounterMode;
import io.streamwarehouse.turnstile.RejectReason;
import io.streamwarehouse.turnstile.TurnstileReading;

/**
 * Format {@code producer-csv}: the original streaming producer's value, {@code json.dumps(line)} of
 * a 13-field CSV line, so the Kafka value is a JSON string literal such as {@code
 * "A002,R001,02-00-00,Test-Station2,456NQR,BMT,11-21-25,04:30:12,REGULAR,7,9,6f1d...,2025-11-21
 * 04:30:12"}.
 *
 * <p>Fields: {@code CA,UNIT,SCP,STATION,LINENAME,DIVISION,DATE(MM-dd-yy),TIME(HH:mm:ss),DESC,
 * ENTRIES,EXITS,ID,TIMESTAMP(yyyy-MM-dd HH:mm:ss)}. The reading time is DATE + TIME, the same as
 * for the other formats (the original consumer grouped by DATE); TIMESTAMP must be valid but is
 * otherwise informational, and ID must be present. ENTRIES/EXITS are per-interval counts, which is
 * why this format defaults to {@link CounterMode#INTERVAL}.
 *
 * <p>The value is decoded as JSON rather than by stripping quotes (as the original consumer did) so
 * escaped characters are handled and a value that is not a string literal is a clear {@code
 * bad_json} instead of a confusing field error.
 */
final class ProducerCsvParser extends AbstractTextParser {
    private static final long serialVersionUID = 1L;

    static final int FIELDS = 13;

    ProducerCsvParser(int maxRecordBytes) {
        super(maxRecordBytes);
    }

    @Override
    TurnstileReading parseText(String text) throws InvalidRecord {
        String line = JsonReadingParser.readStringLiteral(text);
        if (line.isBlank()) {
            throw new InvalidRecord(RejectReason.EMPTY, "empty string literal");
        }
        String[] fields = ReadingFields.splitCsv(line);
        if (fields.length != FIELDS) {
            throw new InvalidRecord(
                    RejectReason.FIELD_COUNT,
                    fields.length + " fields, expected " + FIELDS + ": " + preview(line));
        }
        TurnstileReading reading = MtaCsvParser.fromFields(fields, ReadingFields.PRODUCER_DATE);
        required(fields[11], "ID");
        ReadingFields.timestamp(fields[12], "TIMESTAMP", ReadingFields.PRODUCER_TIMESTAMP);
        return reading;
    }
}
