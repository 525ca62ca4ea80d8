package io.streamwarehouse.turnstile.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.streamwarehouse.turnstile.RejectReason;
import io.streamwarehouse.turnstile.TurnstileReading;
import java.io.IOException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Format {@code json}: one JSON object per record with these fields (names exact, lowercase):
 *
 * <pre>
 * {"ca": "A002", "unit": "R051", "scp": "02-00-00", "station": "59 ST",
 *  "linename": "NQR456W", "division": "BMT",
 *  "date": "2023-05-27",   // ISO yyyy-MM-dd, or MM/dd/yyyy as in the weekly files
 *  "time": "04:00:00",     // HH:mm:ss (ISO HH:mm and fractions accepted)
 *  "desc": "REGULAR",      // or "RECOVR AUD"
 *  "entries": 2049,        // a JSON integer, or a string of digits (zero padding allowed)
 *  "exits": 990}
 * </pre>
 *
 * <p>Text fields must be JSON strings; other fields are ignored so producers can add metadata.
 * Duplicate keys and trailing content are {@code bad_json}: either would make the reading depend on
 * which copy a parser happens to keep.
 *
 * <p>Parsed with Jackson's streaming parser only: it needs nothing beyond jackson-core, so it keeps
 * working whatever jackson-databind version other connectors bring onto the classpath, and a flat
 * object needs no tree.
 */
final class JsonReadingParser extends AbstractTextParser {
    private static final long serialVersionUID = 1L;

    /** Thread-safe and immutable once built; static so the parser stays trivially serializable. */
    static final JsonFactory FACTORY =
            JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private static final Set<String> FIELDS =
            Set.of(
                    "ca",
                    "unit",
                    "scp",
                    "station",
                    "linename",
                    "division",
                    "date",
                    "time",
                    "desc",
                    "entries",
                    "exits");

    JsonReadingParser(int maxRecordBytes) {
        super(maxRecordBytes);
    }

    /** One scalar JSON value: its token type and its literal text. */
    private static final class Value {
        final JsonToken token;
        final String text;

        Value(JsonToken token, String text) {
            this.token = token;
            this.text = text;
        }
    }

    @Override
    TurnstileReading parseText(String text) throws InvalidRecord {
        Map<String, Value> values = readObject(text);
        String ca = text(values, "ca");
        String unit = text(values, "unit");
        String scp = text(values, "scp");
        String station = text(values, "station");
        String linename = text(values, "linename");
        String division = text(values, "division");
        LocalDate date =
                ReadingFields.date(
                        text(values, "date"),
                        "date",
                        ReadingFields.ISO_DATE,
                        ReadingFields.MTA_DATE);
        LocalTime time =
                ReadingFields.time(
                        text(values, "time"),
                        "time",
                        ReadingFields.TIME,
                        DateTimeFormatter.ISO_LOCAL_TIME);
        String desc = ReadingFields.description(text(values, "desc"));
        long entries = counter(values, "entries");
        long exits = counter(values, "exits");
        LocalDateTime at = date.atTime(time);
        return new TurnstileReading(
                ca, unit, scp, station, linename, division, at, desc, entries, exits);
    }

    private static Map<String, Value> readObject(String text) throws InvalidRecord {
        Map<String, Value> values = new HashMap<>();
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new InvalidRecord(
                        RejectReason.BAD_JSON, "expected a JSON object, got " + first);
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken token = parser.nextToken();
                if (token.isScalarValue() || token == JsonToken.VALUE_NULL) {
                    if (FIELDS.contains(name)) {
                        values.put(name, new Value(token, parser.getText()));
                    }
                } else {
                    if (FIELDS.contains(name)) {
                        values.put(name, new Value(token, null));
                    }
                    parser.skipChildren();
                }
            }
            JsonToken trailing = parser.nextToken();
            if (trailing != null) {
                throw new InvalidRecord(
                        RejectReason.BAD_JSON, "content after the object: " + trailing);
            }
        } catch (JsonProcessingException e) {
            throw new InvalidRecord(RejectReason.BAD_JSON, "not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            // Reading from a String does no I/O; treated as malformed all the same.
            throw new InvalidRecord(RejectReason.BAD_JSON, e.toString());
        }
        return values;
    }

    /** The single JSON string literal of a record, for the producer format. */
    static String readStringLiteral(String text) throws InvalidRecord {
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken token = parser.nextToken();
            if (token != JsonToken.VALUE_STRING) {
                throw new InvalidRecord(
                        RejectReason.BAD_JSON, "expected a JSON string literal, got " + token);
            }
            String value = parser.getText();
            JsonToken trailing = parser.nextToken();
            if (trailing != null) {
                throw new InvalidRecord(
                        RejectReason.BAD_JSON, "content after the string literal: " + trailing);
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new InvalidRecord(
                    RejectReason.BAD_JSON, "not a JSON string literal: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidRecord(RejectReason.BAD_JSON, e.toString());
        }
    }

    private static Value present(Map<String, Value> values, String name) throws InvalidRecord {
        Value value = values.get(name);
        if (value == null || value.token == JsonToken.VALUE_NULL) {
            throw new InvalidRecord(RejectReason.MISSING_FIELD, name + " is missing");
        }
        return value;
    }

    private static String text(Map<String, Value> values, String name) throws InvalidRecord {
        Value value = present(values, name);
        if (value.token != JsonToken.VALUE_STRING) {
            throw new InvalidRecord(
                    RejectReason.BAD_JSON, name + " must be a string, got " + value.token);
        }
        return ReadingFields.required(value.text, name);
    }

    private static long counter(Map<String, Value> values, String name) throws InvalidRecord {
        Value value = present(values, name);
        if (value.token == JsonToken.VALUE_STRING || value.token == JsonToken.VALUE_NUMBER_INT) {
            return ReadingFields.counter(value.text, name);
        }
        throw new InvalidRecord(
                RejectReason.BAD_NUMBER,
                name
                        + " is not a whole number: "
                        + (value.text == null ? value.token : value.text));
    }
}
