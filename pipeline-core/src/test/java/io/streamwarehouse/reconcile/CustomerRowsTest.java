package io.streamwarehouse.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

/**
 * Source and warehouse values meet as one Java type per column, so a MySQL TINYINT(1), a PostgreSQL
 * BOOLEAN, a DATE and a DATETIME compare equal to the dimension's values when they mean the same.
 */
class CustomerRowsTest {

    @Test
    void flagsAreBooleansWhateverTheColumnType() {
        assertThat(CustomerRows.canonical("active", 1)).isEqualTo(true);
        assertThat(CustomerRows.canonical("active", (byte) 0)).isEqualTo(false);
        assertThat(CustomerRows.canonical("active", Boolean.TRUE)).isEqualTo(true);
    }

    @Test
    void integersOfAnyWidthAreIntegers() {
        assertThat(CustomerRows.canonical("store_id", 2L)).isEqualTo(2);
        assertThat(CustomerRows.canonical("store_id", (short) 2)).isEqualTo(2);
        assertThat(CustomerRows.canonical("city_id", new BigDecimal("300"))).isEqualTo(300);
    }

    @Test
    void datesAndDateTimesAreWallClockDateTimes() {
        LocalDateTime midnight = LocalDateTime.of(2006, 2, 14, 0, 0);
        assertThat(CustomerRows.canonical("create_date", java.sql.Date.valueOf("2006-02-14")))
                .isEqualTo(midnight);
        assertThat(CustomerRows.canonical("create_date", LocalDate.of(2006, 2, 14)))
                .isEqualTo(midnight);
        assertThat(CustomerRows.canonical("create_date", Timestamp.valueOf(midnight)))
                .isEqualTo(midnight);
        assertThat(CustomerRows.canonical("create_date", midnight)).isEqualTo(midnight);
    }

    @Test
    void nullStaysNull() {
        assertThat(CustomerRows.canonical("address2", null)).isNull();
    }
}
