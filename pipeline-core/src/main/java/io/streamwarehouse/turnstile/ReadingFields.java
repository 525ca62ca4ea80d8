package io.streamwarehouse.turnstile;

import io.streamwarehouse.turnstile.AbstractTextParser.InvalidRecord;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.regex.Pattern;

/** Field rules shared by the three formats, so a value valid in one is valid in all. */
final class ReadingFields {
    private ReadingFields() {}

    /** MTA weekly files: {@code 05/27/2023}; single-digit month or day tolerated. */
    static final DateTimeFormatter MTA_DATE =
            DateTimeFormatter.ofPattern("M/d/uuuu").withResolverStyle(ResolverStyle.STRICT);

    /** The synthetic producer: {@code 11-21-25}, two-digit years are 2000-2099. */
    static final DateTimeFormatter PRODUCER_DATE =
            new DateTimeFormatterBuilder()
                    .appendPattern("M-d-")
                    .appendValueReduced(ChronoField.YEAR, 2, 2, 2000)
                    .toFormatter()
                    .withResolverStyle(ResolverStyle.STRICT);

    /** The synthetic producer's TIMESTAMP field: {@code 2025-11-21 04:30:12}. */
    static final DateTimeFormatter PRODUCER_TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss")
                    .withResolverStyle(ResolverStyle.STRICT);

    /** {@code HH:mm:ss}; a single-digit hour tolerated. */
    static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("H:mm:ss").withResolverStyle(ResolverStyle.STRICT);

    /** Whole numbers with optional zero padding ({@code 0007414835}) and an optional sign. */
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");

    /**
     * The longest field accepted, in characters. Real values are under 50 (station names); the
     * limit keeps the warehouse's composite keys, which hold six of these fields, under
     * PostgreSQL's B-tree entry limit of 2704 bytes even in 4-byte characters. A longer field would
     * pass parsing and then fail every attempt to write its window row, stopping the job.
     */
    static final int MAX_FIELD_LENGTH = 100;

    /**
     * A present field, stripped. Control characters are refused because they only occur in
     * corrupted or binary records, and NUL in particular cannot be stored in PostgreSQL text: a
     * reading carrying one would be counted, and its window row then refused on every retry.
     * Unpaired surrogates are refused because they cannot be stored as they are either.
     */
    static String required(String value, String name) throws InvalidRecord {
        String trimmed = value == null ? "" : value.strip();
        if (trimmed.isEmpty()) {
            throw new InvalidRecord(RejectReason.MISSING_FIELD, name + " is blank");
        }
        if (trimmed.length() > MAX_FIELD_LENGTH) {
            throw new InvalidRecord(
                    RejectReason.FIELD_TOO_LONG,
                    name
                            + " has "
                            + trimmed.length()
                            + " characters, limit "
                            + MAX_FIELD_LENGTH
                            + ": "
                            + preview(trimmed));
        }
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (Character.isISOControl(c)) {
                throw new InvalidRecord(
                        RejectReason.CONTROL_CHARACTER,
                        String.format(
                                "%s contains the control character U+%04X at %d",
                                name, (int) c, i));
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c)
                        && i + 1 < trimmed.length()
                        && Character.isLowSurrogate(trimmed.charAt(i + 1))) {
                    i++;
                    continue;
                }
                // Only a JSON escape such as \ud800 gets here (decoding already refused such
                // bytes); the JDBC driver would silently write it as '?', a different value.
                throw new InvalidRecord(
                        RejectReason.NOT_UTF8,
                        String.format(
                                "%s contains the unpaired surrogate U+%04X at %d, which has no"
                                        + " UTF-8 form",
                                name, (int) c, i));
            }
        }
        return trimmed;
    }

    static long counter(String value, String name) throws InvalidRecord {
        String trimmed = required(value, name);
        if (!INTEGER.matcher(trimmed).matches()) {
            throw new InvalidRecord(
                    RejectReason.BAD_NUMBER, name + " is not a whole number: '" + trimmed + "'");
        }
        long parsed;
        try {
            parsed = Long.parseLong(trimmed);
        } catch (NumberFormatException e) {
            throw new InvalidRecord(
                    RejectReason.BAD_NUMBER, name + " does not fit in 64 bits: '" + trimmed + "'");
        }
        return checkNotNegative(parsed, name);
    }

    static long checkNotNegative(long value, String name) throws InvalidRecord {
        if (value < 0) {
            throw new InvalidRecord(RejectReason.NEGATIVE_COUNTER, name + " is negative: " + value);
        }
        return value;
    }

    /** DESC: exactly the two values MTA uses, case-insensitive, returned in MTA's spelling. */
    static String description(String value) throws InvalidRecord {
        String trimmed = required(value, "DESC").replaceAll("\\s+", " ");
        if (trimmed.equalsIgnoreCase(TurnstileReading.REGULAR)) {
            return TurnstileReading.REGULAR;
        }
        if (trimmed.equalsIgnoreCase(TurnstileReading.RECOVR_AUD)) {
            return TurnstileReading.RECOVR_AUD;
        }
        throw new InvalidRecord(
                RejectReason.UNKNOWN_DESC, "DESC must be REGULAR or RECOVR AUD: '" + trimmed + "'");
    }

    static LocalDate date(String value, String name, DateTimeFormatter... layouts)
            throws InvalidRecord {
        String trimmed = required(value, name);
        for (DateTimeFormatter layout : layouts) {
            try {
                return LocalDate.parse(trimmed, layout);
            } catch (DateTimeParseException e) {
                // try the next accepted layout
            }
        }
        throw new InvalidRecord(
                RejectReason.BAD_DATE, name + " is not a valid date: '" + trimmed + "'");
    }

    static LocalTime time(String value, String name, DateTimeFormatter... layouts)
            throws InvalidRecord {
        String trimmed = required(value, name);
        for (DateTimeFormatter layout : layouts) {
            try {
                return LocalTime.parse(trimmed, layout);
            } catch (DateTimeParseException e) {
                // try the next accepted layout
            }
        }
        throw new InvalidRecord(
                RejectReason.BAD_TIME, name + " is not a valid time: '" + trimmed + "'");
    }

    static LocalDateTime timestamp(String value, String name, DateTimeFormatter layout)
            throws InvalidRecord {
        String trimmed = required(value, name);
        try {
            return LocalDateTime.parse(trimmed, layout);
        } catch (DateTimeParseException e) {
            throw new InvalidRecord(
                    RejectReason.BAD_DATE, name + " is not a valid timestamp: '" + trimmed + "'");
        }
    }

    /** Splits a CSV line (MTA data has no quoting) and strips MTA's padding from every field. */
    static String[] splitCsv(String line) {
        String[] fields = stripLineEnd(line).split(",", -1);
        for (int i = 0; i < fields.length; i++) {
            fields[i] = fields[i].strip();
        }
        return fields;
    }

    private static String stripLineEnd(String line) {
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == '\n' || line.charAt(end - 1) == '\r')) {
            end--;
        }
        return line.substring(0, end);
    }

    static String preview(String text) {
        return text.length() <= 120 ? text : text.substring(0, 120) + "...";
    }
}
