package io.streamwarehouse.customer;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Turns the values of a Debezium JSON row image into Java values of the dimension's column types.
 *
 * <p>Debezium's JSON carries temporal columns as plain numbers whose unit depends on the column
 * type and the connector: MySQL {@code DATETIME} as epoch milliseconds ({@code
 * io.debezium.time.Timestamp}, wall-clock time written as if UTC), PostgreSQL {@code DATE} as epoch
 * days, PostgreSQL {@code TIMESTAMP} as epoch microseconds, and {@code TIMESTAMP WITH TIME ZONE} as
 * ISO-8601 strings. Flink CDC's JSON deserializer drops the schema by default, so the unit is told
 * apart by magnitude: the ranges do not overlap for any date between the years 1970 and 5000 (days
 * below 10^7, milliseconds below 10^14, microseconds below 10^17, nanoseconds above).
 */
final class SourceValues {

    private SourceValues() {}

    static Integer toInteger(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Number) {
            return Math.toIntExact(((Number) value).longValue());
        }
        String s = value.toString().trim();
        return s.isEmpty() ? null : Integer.valueOf(s);
    }

    static String toText(Object value) {
        return value == null ? null : value.toString();
    }

    /** MySQL BOOLEAN is TINYINT(1) and arrives as 0/1; PostgreSQL booleans arrive as true/false. */
    static Boolean toBoolean(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Boolean) {
            return (Boolean) value;
        }
        if (value instanceof Number) {
            return ((Number) value).longValue() != 0;
        }
        String s = value.toString().trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "true":
            case "t":
            case "1":
            case "y":
            case "yes":
                return Boolean.TRUE;
            case "false":
            case "f":
            case "0":
            case "n":
            case "no":
                return Boolean.FALSE;
            default:
                throw new IllegalArgumentException("not a boolean: " + value);
        }
    }

    /** A date or date-time column as wall-clock time (the dimension's TIMESTAMP without zone). */
    static LocalDateTime toLocalDateTime(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Number) {
            long v =
                    value instanceof BigDecimal
                            ? ((BigDecimal) value).longValue()
                            : ((Number) value).longValue();
            long abs = Math.abs(v);
            if (abs < 10_000_000L) {
                return LocalDate.ofEpochDay(v).atStartOfDay();
            }
            if (abs < 100_000_000_000_000L) {
                return LocalDateTime.ofInstant(Instant.ofEpochMilli(v), ZoneOffset.UTC);
            }
            if (abs < 100_000_000_000_000_000L) {
                return LocalDateTime.ofInstant(
                        Instant.ofEpochSecond(
                                Math.floorDiv(v, 1_000_000L), Math.floorMod(v, 1_000_000L) * 1000L),
                        ZoneOffset.UTC);
            }
            return LocalDateTime.ofInstant(
                    Instant.ofEpochSecond(
                            Math.floorDiv(v, 1_000_000_000L), Math.floorMod(v, 1_000_000_000L)),
                    ZoneOffset.UTC);
        }
        String s = value.toString().trim();
        if (s.isEmpty()) {
            return null;
        }
        try {
            if (s.length() == 10) {
                return LocalDate.parse(s).atStartOfDay();
            }
            if (s.endsWith("Z") || s.matches(".*[+-]\\d\\d:?\\d\\d$")) {
                return OffsetDateTime.parse(s.replace(' ', 'T'))
                        .withOffsetSameInstant(ZoneOffset.UTC)
                        .toLocalDateTime();
            }
            return LocalDateTime.parse(s.replace(' ', 'T'));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a date or timestamp: " + value, e);
        }
    }
}
