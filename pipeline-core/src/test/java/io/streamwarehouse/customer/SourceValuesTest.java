package io.streamwarehouse.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

class SourceValuesTest {

    private static final LocalDateTime CREATED = LocalDateTime.of(2006, 2, 14, 22, 4, 36);

    @Test
    void temporalNumbersAreToldApartByMagnitude() {
        // PostgreSQL DATE: epoch days.
        assertThat(SourceValues.toLocalDateTime(13193))
                .isEqualTo(LocalDateTime.of(2006, 2, 14, 0, 0));
        // MySQL DATETIME: epoch milliseconds of the wall-clock time, as if it were UTC.
        assertThat(SourceValues.toLocalDateTime(1139954676000L)).isEqualTo(CREATED);
        // PostgreSQL TIMESTAMP: epoch microseconds.
        assertThat(SourceValues.toLocalDateTime(1139954676000123L))
                .isEqualTo(CREATED.plusNanos(123_000));
        // Nanoseconds (time.precision.mode=nanoseconds).
        assertThat(SourceValues.toLocalDateTime(1139954676000000007L))
                .isEqualTo(CREATED.plusNanos(7));
        // Before 1970 works too.
        assertThat(SourceValues.toLocalDateTime(-1))
                .isEqualTo(LocalDateTime.of(1969, 12, 31, 0, 0));
    }

    @Test
    void temporalTextIsParsedIncludingZonedForms() {
        assertThat(SourceValues.toLocalDateTime("2006-02-14"))
                .isEqualTo(LocalDateTime.of(2006, 2, 14, 0, 0));
        assertThat(SourceValues.toLocalDateTime("2006-02-14 22:04:36")).isEqualTo(CREATED);
        assertThat(SourceValues.toLocalDateTime("2006-02-14T22:04:36Z")).isEqualTo(CREATED);
        assertThat(SourceValues.toLocalDateTime("2006-02-15T00:04:36+02:00")).isEqualTo(CREATED);
        assertThat(SourceValues.toLocalDateTime("")).isNull();
        assertThatThrownBy(() -> SourceValues.toLocalDateTime("yesterday"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void booleansComeAsTinyintsOrBooleans() {
        assertThat(SourceValues.toBoolean(1)).isTrue();
        assertThat(SourceValues.toBoolean(0)).isFalse();
        assertThat(SourceValues.toBoolean(true)).isTrue();
        assertThat(SourceValues.toBoolean("f")).isFalse();
        assertThat(SourceValues.toBoolean(null)).isNull();
        assertThatThrownBy(() -> SourceValues.toBoolean("maybe"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void integersAcceptNumbersAndText() {
        assertThat(SourceValues.toInteger(42L)).isEqualTo(42);
        assertThat(SourceValues.toInteger("42")).isEqualTo(42);
        assertThat(SourceValues.toInteger(null)).isNull();
        assertThatThrownBy(() -> SourceValues.toInteger(1L << 40))
                .isInstanceOf(ArithmeticException.class);
    }
}
