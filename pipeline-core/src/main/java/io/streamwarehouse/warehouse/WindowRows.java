package io.streamwarehouse.warehouse;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.apache.flink.types.Row;

/**
 * Field access for window rows coming out of the Table API. Reading times are wall-clock values
 * carried as UTC instants inside Flink (see TurnstileTime), so an instant is turned back into the
 * same wall-clock value here.
 */
final class WindowRows {
    private WindowRows() {}

    static LocalDateTime wallClock(Row row, String field) {
        Object value = row.getField(field);
        if (value instanceof Instant instant) {
            return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
        }
        if (value instanceof LocalDateTime time) {
            return time;
        }
        throw new IllegalArgumentException(field + " is not a time: " + value);
    }

    static Timestamp timestamp(Row row, String field) {
        return Timestamp.valueOf(wallClock(row, field));
    }

    static java.sql.Date date(Row row, String field) {
        return java.sql.Date.valueOf((LocalDate) row.getField(field));
    }

    static long number(Row row, String field) {
        return ((Number) row.getField(field)).longValue();
    }

    static Instant instant(Row row, String field) {
        return wallClock(row, field).toInstant(ZoneOffset.UTC);
    }
}
