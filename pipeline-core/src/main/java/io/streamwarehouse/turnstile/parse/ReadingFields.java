package io.streamwarehouse.turnstile.parse;

import io.streamwarehouse.turnstile.RejectReason;
import io.streamwarehouse.turnstile.TurnstileReading;
import io.streamwarehouse.turnstile.parse.AbstractTextParser.InvalidRecord;
import java.text.Normalizer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.format.SignStyle;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/** Field rules shared by the three formats, so a value valid in one is valid in all. */
final class ReadingFields {
    private ReadingFields() {}

    /**
     * MTA weekly files: {@code 05/27/2023}; single-digit month or day tolerated. The year is
     * exactly four digits without a sign: the JDK's {@code uuuu} would take {@code +999999999},
     * whose epoch millis overflow.
     */
    static final DateTimeFormatter MTA_DATE =
            strict(monthDay('/').appendValue(ChronoField.YEAR, 4));

    /** JSON dates: ISO {@code 2023-05-27}, four-digit year, no sign. */
    static final DateTimeFormatter ISO_DATE =
            strict(
                    new DateTimeFormatterBuilder()
                            .appendValue(ChronoField.YEAR, 4)
                            .appendLiteral('-')
                            .appendValue(ChronoField.MONTH_OF_YEAR, 2)
                            .appendLiteral('-')
                            .appendValue(ChronoField.DAY_OF_MONTH, 2));

    /** The synthetic producer: {@code 11-21-25}, two-digit years are 2000-2099. */
    static final DateTimeFormatter PRODUCER_DATE =
            strict(monthDay('-').appendValueReduced(ChronoField.YEAR, 2, 2, 2000));

    /** The synthetic producer's TIMESTAMP field: {@code 2025-11-21 04:30:12}. */
    static final DateTimeFormatter PRODUCER_TIMESTAMP =
            strict(
                    new DateTimeFormatterBuilder()
                            .append(ISO_DATE)
                            .appendLiteral(' ')
                            .appendPattern("HH:mm:ss"));

    /** {@code HH:mm:ss}; a single-digit hour tolerated. */
    static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("H:mm:ss").withResolverStyle(ResolverStyle.STRICT);

    /** Month and day of one or two digits, no sign, each followed by {@code separator}. */
    private static DateTimeFormatterBuilder monthDay(char separator) {
        return new DateTimeFormatterBuilder()
                .appendValue(ChronoField.MONTH_OF_YEAR, 1, 2, SignStyle.NOT_NEGATIVE)
                .appendLiteral(separator)
                .appendValue(ChronoField.DAY_OF_MONTH, 1, 2, SignStyle.NOT_NEGATIVE)
                .appendLiteral(separator);
    }

    private static DateTimeFormatter strict(DateTimeFormatterBuilder builder) {
        return builder.toFormatter().withResolverStyle(ResolverStyle.STRICT);
    }

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
     * A present field, normalised (see {@link #normalise}). Control characters are refused because
     * they only occur in corrupted or binary records, and NUL in particular cannot be stored in
     * PostgreSQL text: a reading carrying one would be counted, and its window row then refused on
     * every retry. Unpaired surrogates are refused because they cannot be stored as they are
     * either.
     */
    static String required(String value, String name) throws InvalidRecord {
        String trimmed = value == null ? "" : value.strip();
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
        String normal = normalise(trimmed, name);
        if (normal.isEmpty()) {
            throw new InvalidRecord(RejectReason.MISSING_FIELD, name + " is blank");
        }
        if (normal.length() > MAX_FIELD_LENGTH) {
            throw new InvalidRecord(
                    RejectReason.FIELD_TOO_LONG,
                    name
                            + " has "
                            + normal.length()
                            + " characters, limit "
                            + MAX_FIELD_LENGTH
                            + ": "
                            + preview(normal));
        }
        return normal;
    }

    /**
     * The one spelling of a field, so that invisible or look-alike characters never make a second
     * turnstile or station: compatibility forms are folded (NFKC: a no-break space becomes a space,
     * full-width {@code Ａ} becomes {@code A}), invisible format characters (zero-width space and
     * joiners, byte order mark, soft hyphen) are removed, every run of white space (line and
     * paragraph separators included) becomes one space, and the ends are stripped. What is left
     * must be printable ASCII, as every real MTA value is: any other letter ({@code А}, Cyrillic,
     * looks like {@code A}) is rejected as {@code non_ascii} rather than guessed at.
     */
    static String normalise(String value, String name) throws InvalidRecord {
        if (isPlainAscii(value)) {
            return value;
        }
        String folded = Normalizer.normalize(value, Normalizer.Form.NFKC);
        StringBuilder out = new StringBuilder(folded.length());
        boolean space = false;
        for (int i = 0; i < folded.length(); ) {
            int cp = folded.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.getType(cp) == Character.FORMAT) {
                continue;
            }
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                space = true;
                continue;
            }
            if (space && out.length() > 0) {
                out.append(' ');
            }
            space = false;
            if (cp < 0x20 || cp > 0x7e) {
                throw new InvalidRecord(
                        RejectReason.NON_ASCII,
                        String.format(
                                "%s contains U+%04X (%s) at %d; only printable ASCII is accepted:"
                                        + " %s",
                                name,
                                cp,
                                Character.getName(cp),
                                i - Character.charCount(cp),
                                preview(value)));
            }
            out.appendCodePoint(cp);
        }
        return out.toString();
    }

    /** The fast path: printable ASCII with single inner spaces needs no normalising. */
    private static boolean isPlainAscii(String value) {
        char previous = 'x';
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e || (c == ' ' && previous == ' ')) {
                return false;
            }
            previous = c;
        }
        return true;
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
        return firstLayout(value, name, "date", RejectReason.BAD_DATE, LocalDate::parse, layouts);
    }

    static LocalTime time(String value, String name, DateTimeFormatter... layouts)
            throws InvalidRecord {
        return firstLayout(value, name, "time", RejectReason.BAD_TIME, LocalTime::parse, layouts);
    }

    /** The value read with the first of {@code layouts} that accepts it. */
    private static <T> T firstLayout(
            String value,
            String name,
            String what,
            RejectReason reason,
            BiFunction<String, DateTimeFormatter, T> parse,
            DateTimeFormatter... layouts)
            throws InvalidRecord {
        String trimmed = required(value, name);
        for (DateTimeFormatter layout : layouts) {
            try {
                return parse.apply(trimmed, layout);
            } catch (DateTimeParseException e) {
                // try the next accepted layout
            }
        }
        throw new InvalidRecord(reason, name + " is not a valid " + what + ": '" + trimmed + "'");
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

    /**
     * Splits a CSV line and strips MTA's padding from every field. MTA's own files have no quoting,
     * but a file re-exported by a spreadsheet or pandas quotes fields: a quoted field is read as
     * RFC 4180 CSV ({@code "59 ST"} is {@code 59 ST}, {@code ""} inside it is one quote), never
     * kept with its quotes; a quote that does not open or close a field is {@code bad_quoting}.
     */
    static String[] splitCsv(String line) throws InvalidRecord {
        String text = stripLineEnd(line);
        if (text.indexOf('"') < 0) {
            String[] fields = text.split(",", -1);
            for (int i = 0; i < fields.length; i++) {
                fields[i] = fields[i].strip();
            }
            return fields;
        }
        List<String> fields = new ArrayList<>();
        int i = 0;
        while (true) {
            int start = i;
            while (i < text.length() && text.charAt(i) == ' ') {
                i++;
            }
            StringBuilder field = new StringBuilder();
            if (i < text.length() && text.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= text.length()) {
                        throw new InvalidRecord(
                                RejectReason.BAD_QUOTING,
                                "field " + (fields.size() + 1) + " opens a quote it never closes");
                    }
                    char c = text.charAt(i++);
                    if (c != '"') {
                        field.append(c);
                    } else if (i < text.length() && text.charAt(i) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        break;
                    }
                }
                while (i < text.length() && text.charAt(i) == ' ') {
                    i++;
                }
                if (i < text.length() && text.charAt(i) != ',') {
                    throw new InvalidRecord(
                            RejectReason.BAD_QUOTING,
                            "field " + (fields.size() + 1) + " has text after its closing quote");
                }
            } else {
                int end = text.indexOf(',', start);
                end = end < 0 ? text.length() : end;
                String raw = text.substring(start, end);
                if (raw.indexOf('"') >= 0) {
                    throw new InvalidRecord(
                            RejectReason.BAD_QUOTING,
                            "field "
                                    + (fields.size() + 1)
                                    + " has a quote inside: "
                                    + preview(raw));
                }
                field.append(raw);
                i = end;
            }
            fields.add(field.toString().strip());
            if (i >= text.length()) {
                return fields.toArray(new String[0]);
            }
            i++; // the comma
        }
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
