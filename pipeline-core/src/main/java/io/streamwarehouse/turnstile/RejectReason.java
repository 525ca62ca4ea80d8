package io.streamwarehouse.turnstile;

/**
 * Why a Kafka record was not counted. The lowercase {@link #code()} is what lands in {@code
 * warehouse.turnstile_rejects.reason} and in dashboards, so codes never change once released; add
 * new ones instead.
 */
public enum RejectReason {
    /** The value is missing, zero bytes, or only whitespace. */
    EMPTY("empty"),
    /** The value is larger than the configured maximum record size. */
    OVERSIZED("oversized"),
    /**
     * The bytes are not valid UTF-8 (binary garbage, another encoding), or a JSON escape decodes to
     * text that has no UTF-8 form (an unpaired surrogate).
     */
    NOT_UTF8("not_utf8"),
    /** A JSON-based format whose value is not the expected JSON (string literal or object). */
    BAD_JSON("bad_json"),
    /** A column header line of a weekly file rather than a reading. */
    HEADER("header"),
    /** The CSV line has the wrong number of fields. */
    FIELD_COUNT("field_count"),
    /** A required field is absent or blank. */
    MISSING_FIELD("missing_field"),
    /** ENTRIES or EXITS is not a whole number that fits in 64 bits. */
    BAD_NUMBER("bad_number"),
    /** ENTRIES or EXITS is below zero; registers never are. */
    NEGATIVE_COUNTER("negative_counter"),
    /** The date (or the producer's TIMESTAMP) is not a valid date in the expected layout. */
    BAD_DATE("bad_date"),
    /** The time is not a valid HH:mm:ss time. */
    BAD_TIME("bad_time"),
    /** DESC is neither REGULAR nor RECOVR AUD. */
    UNKNOWN_DESC("unknown_desc"),
    /** The reading arrived after the watermark had passed its time plus the allowed lateness. */
    LATE("late"),
    /** A field holds a control character such as NUL: corrupted or binary input. */
    CONTROL_CHARACTER("control_character"),
    /** A field is longer than any real value (see {@code ReadingFields.MAX_FIELD_LENGTH}). */
    FIELD_TOO_LONG("field_too_long"),
    /**
     * A field holds a character outside printable ASCII once normalised: a look-alike letter (a
     * Cyrillic {@code А}) or any other text no real MTA value has.
     */
    NON_ASCII("non_ascii"),
    /** A CSV field opens a quote it never closes, or has a quote inside an unquoted value. */
    BAD_QUOTING("bad_quoting"),
    /**
     * The reading time is valid but outside the plausible range: before {@code
     * turnstile.earliest-reading-time} or more than {@code turnstile.max-clock-skew} ahead of the
     * wall clock. Such a time must never reach the watermark, where one reading from the year 9999
     * would make every later reading late.
     */
    IMPLAUSIBLE_TIME("implausible_time"),
    /**
     * The parser failed in a way no rule foresaw. The record is kept like any other reject rather
     * than failing the job, which would read it again after every restart.
     */
    PARSER_ERROR("parser_error");

    private final String code;

    RejectReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    @Override
    public String toString() {
        return code;
    }
}
