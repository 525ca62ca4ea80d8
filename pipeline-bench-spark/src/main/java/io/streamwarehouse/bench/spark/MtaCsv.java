package io.streamwarehouse.bench.spark;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.text.Normalizer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.format.SignStyle;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Flink job's {@code mta-csv} parse (pipeline-core's MtaCsvParser, ReadingFields and
 * PlausibleTimes with the default options), re-implemented here because pipeline-core would bring
 * Flink onto Spark's classpath. Same acceptance rules: at most 4096 bytes, strict UTF-8, a leading
 * byte order mark dropped, CSV with RFC 4180 quoting, 11 fields (or 12 with a leading row index), a
 * header line rejected, every field present, NFKC-folded to printable ASCII and at most 100
 * characters, DATE {@code M/d/yyyy}, TIME {@code H:mm:ss}, DESC REGULAR or RECOVR AUD, counters
 * non-negative whole numbers, reading time from 2000-01-01 to one day ahead of the clock. A line
 * that breaks a rule is dropped and counted (the Flink job writes it to its reject table).
 */
final class MtaCsv {
    private MtaCsv() {}

    static final int MAX_RECORD_BYTES = 4096;
    static final int FIELDS = 11;
    static final int MAX_FIELD_LENGTH = 100;
    static final long EARLIEST_MILLIS =
            LocalDateTime.of(2000, 1, 1, 0, 0).toInstant(ZoneOffset.UTC).toEpochMilli();
    static final long MAX_CLOCK_SKEW_MILLIS = 24L * 3600 * 1000;

    private static final DateTimeFormatter DATE =
            new DateTimeFormatterBuilder()
                    .appendValue(ChronoField.MONTH_OF_YEAR, 1, 2, SignStyle.NOT_NEGATIVE)
                    .appendLiteral('/')
                    .appendValue(ChronoField.DAY_OF_MONTH, 1, 2, SignStyle.NOT_NEGATIVE)
                    .appendLiteral('/')
                    .appendValue(ChronoField.YEAR, 4)
                    .toFormatter()
                    .withResolverStyle(ResolverStyle.STRICT);
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("H:mm:ss").withResolverStyle(ResolverStyle.STRICT);
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
    private static final Pattern FORMAT_CHARACTERS = Pattern.compile("\\p{Cf}");
    private static final Pattern SPACE_RUNS =
            Pattern.compile("[\\p{javaWhitespace}\\p{javaSpaceChar}]+");
    private static final Pattern PRINTABLE_ASCII = Pattern.compile("[\\x20-\\x7e]*");

    /**
     * One CSV field at the start of the region: padding, then a quoted field ({@code ""} inside is
     * one quote) or a bare one without quotes, padding, then a comma or the end of the line.
     */
    private static final Pattern CSV_FIELD =
            Pattern.compile(" *(?:\"((?:[^\"]|\"\")*)\"|([^,\"]*)) *(,|\\z)");

    /** A bad line; no stack trace, as a topic of garbage must not cost a stack walk per record. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The reading of a Kafka value, or {@link Invalid}. */
    static Reading parse(byte[] value) throws Invalid {
        if (value == null || value.length == 0) {
            throw new Invalid("empty");
        }
        if (value.length > MAX_RECORD_BYTES) {
            throw new Invalid("oversized");
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
            throw new Invalid("not_utf8");
        }
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            text = text.substring(1);
        }
        if (text.isBlank()) {
            throw new Invalid("empty");
        }
        String[] fields = splitCsv(text);
        if (fields.length == FIELDS + 1 && isRowIndex(fields[0])) {
            String[] withoutIndex = new String[FIELDS];
            System.arraycopy(fields, 1, withoutIndex, 0, FIELDS);
            fields = withoutIndex;
        }
        if (fields.length == FIELDS
                && fields[1].equalsIgnoreCase("UNIT")
                && fields[6].equalsIgnoreCase("DATE")) {
            throw new Invalid("header");
        }
        if (fields.length != FIELDS) {
            throw new Invalid("field_count");
        }
        Reading r = new Reading();
        r.setCa(required(fields[0]));
        r.setUnit(required(fields[1]));
        r.setScp(required(fields[2]));
        r.setStation(required(fields[3]));
        r.setLinename(required(fields[4]));
        r.setDivision(required(fields[5]));
        LocalDate date;
        LocalTime time;
        try {
            date = LocalDate.parse(required(fields[6]), DATE);
        } catch (DateTimeParseException e) {
            throw new Invalid("bad_date");
        }
        try {
            time = LocalTime.parse(required(fields[7]), TIME);
        } catch (DateTimeParseException e) {
            throw new Invalid("bad_time");
        }
        r.setDescription(description(fields[8]));
        r.setEntries(counter(fields[9]));
        r.setExits(counter(fields[10]));
        long millis = date.atTime(time).toInstant(ZoneOffset.UTC).toEpochMilli();
        if (millis < EARLIEST_MILLIS
                || millis > System.currentTimeMillis() + MAX_CLOCK_SKEW_MILLIS) {
            throw new Invalid("implausible_time");
        }
        r.setTime(millis);
        r.setEventTime(new Timestamp(millis));
        return r;
    }

    private static boolean isRowIndex(String field) {
        return field.isEmpty() || field.chars().allMatch(Character::isDigit);
    }

    static String required(String value) throws Invalid {
        String trimmed = value == null ? "" : value.strip();
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (Character.isISOControl(c)) {
                throw new Invalid("control_character");
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c)
                        && i + 1 < trimmed.length()
                        && Character.isLowSurrogate(trimmed.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw new Invalid("not_utf8");
            }
        }
        String normal = normalise(trimmed);
        if (normal.isEmpty()) {
            throw new Invalid("missing_field");
        }
        if (normal.length() > MAX_FIELD_LENGTH) {
            throw new Invalid("field_too_long");
        }
        return normal;
    }

    /**
     * NFKC, format characters (zero-width, soft hyphen, byte order mark) dropped, each run of white
     * space one space, the ends stripped; what is left must be printable ASCII.
     */
    private static String normalise(String value) throws Invalid {
        if (isPlainAscii(value)) {
            return value;
        }
        String folded =
                FORMAT_CHARACTERS
                        .matcher(Normalizer.normalize(value, Normalizer.Form.NFKC))
                        .replaceAll("");
        String spaced = SPACE_RUNS.matcher(folded).replaceAll(" ").strip();
        if (!PRINTABLE_ASCII.matcher(spaced).matches()) {
            throw new Invalid("non_ascii");
        }
        return spaced;
    }

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

    private static long counter(String value) throws Invalid {
        String trimmed = required(value);
        if (!INTEGER.matcher(trimmed).matches()) {
            throw new Invalid("bad_number");
        }
        long parsed;
        try {
            parsed = Long.parseLong(trimmed);
        } catch (NumberFormatException e) {
            throw new Invalid("bad_number");
        }
        if (parsed < 0) {
            throw new Invalid("negative_counter");
        }
        return parsed;
    }

    private static String description(String value) throws Invalid {
        String trimmed = required(value).replaceAll("\\s+", " ");
        if (trimmed.equalsIgnoreCase(Reading.REGULAR)) {
            return Reading.REGULAR;
        }
        if (trimmed.equalsIgnoreCase(Reading.RECOVR_AUD)) {
            return Reading.RECOVR_AUD;
        }
        throw new Invalid("unknown_desc");
    }

    static String[] splitCsv(String line) throws Invalid {
        if (line.indexOf('"') < 0) {
            // every field is stripped: the line end goes with the last one's padding
            String[] fields = line.split(",", -1);
            for (int i = 0; i < fields.length; i++) {
                fields[i] = fields[i].strip();
            }
            return fields;
        }
        String text = line.replaceFirst("[\\r\\n]+\\z", "");
        List<String> fields = new ArrayList<>();
        Matcher field = CSV_FIELD.matcher(text);
        for (int at = 0; ; at = field.end()) {
            if (!field.region(at, text.length()).lookingAt()) {
                throw new Invalid("bad_quoting");
            }
            String quoted = field.group(1);
            fields.add(
                    quoted != null ? quoted.replace("\"\"", "\"").strip() : field.group(2).strip());
            if (field.group(3).isEmpty()) {
                return fields.toArray(new String[0]);
            }
        }
    }
}
