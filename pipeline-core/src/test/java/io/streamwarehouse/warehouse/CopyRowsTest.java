package io.streamwarehouse.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.postgresql.copy.CopyIn;
import org.postgresql.util.ByteStreamWriter;

/** COPY's text format as PostgreSQL reads it; the real round trip is in WarehouseWriterITCase. */
class CopyRowsTest {

    /** A bytea in hex, its backslash escaped like any other. */
    @Test
    void valuesAreWrittenAsTextWithCopysEscapes() throws Exception {
        Captured copy = new Captured();
        CopyRows rows = new CopyRows(copy, 6);
        PreparedStatement s = rows.statement();
        s.setString(1, "tab\there\\back\nline\r");
        s.setNull(2, Types.VARCHAR);
        s.setLong(3, 42L);
        s.setBytes(4, new byte[] {0x01, (byte) 0xff});
        s.setDate(5, Date.valueOf(LocalDate.of(2023, 5, 27)));
        s.setObject(6, Boolean.TRUE, Types.BOOLEAN);
        rows.endRow(3);
        assertThat(rows.finish()).isEqualTo(1);

        assertThat(copy.text())
                .isEqualTo(
                        "tab\\there\\\\back\\nline\\r\t\\N\t42\t\\\\x01ff\t2023-05-27\ttrue\t3\n");
    }

    /** As the JDBC driver sends a timestamp: its local time, with the JVM zone's offset. */
    @Test
    void aTimestampCarriesItsOffsetSoATimestamptzColumnReadsTheSameInstant() throws Exception {
        Captured copy = new Captured();
        CopyRows rows = new CopyRows(copy, 1);
        LocalDateTime time = LocalDateTime.of(2023, 5, 27, 4, 5, 6, 789_000_000);
        rows.statement().setTimestamp(1, Timestamp.valueOf(time));
        rows.endRow(0);
        rows.finish();

        String offset =
                time.atZone(ZoneId.systemDefault()).getOffset().getId().replace("Z", "+00:00");
        assertThat(copy.text()).isEqualTo("2023-05-27 04:05:06.789000" + offset + "\t0\n");
    }

    @Test
    void aBindMethodMayOnlySetParameters() {
        CopyRows rows = new CopyRows(new Captured(), 1);
        assertThatThrownBy(() -> rows.statement().executeQuery())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("executeQuery");
        assertThatThrownBy(() -> rows.statement().setObject(1, new Object()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Object");
    }

    /** The bytes a copy was sent. */
    private static final class Captured implements CopyIn {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private long rows;

        String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void writeToCopy(byte[] buf, int off, int siz) {
            bytes.write(buf, off, siz);
            rows +=
                    new String(buf, off, siz, StandardCharsets.UTF_8)
                            .chars()
                            .filter(c -> c == '\n')
                            .count();
        }

        @Override
        public void writeToCopy(ByteStreamWriter from) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void flushCopy() {}

        @Override
        public long endCopy() {
            return rows;
        }

        @Override
        public int getFieldCount() {
            return 0;
        }

        @Override
        public int getFormat() {
            return 0;
        }

        @Override
        public int getFieldFormat(int field) {
            return 0;
        }

        @Override
        public boolean isActive() {
            return false;
        }

        @Override
        public void cancelCopy() {}

        @Override
        public long getHandledRowCount() {
            return rows;
        }
    }
}
