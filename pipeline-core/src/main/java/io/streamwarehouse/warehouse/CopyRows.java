package io.streamwarehouse.warehouse;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HexFormat;
import org.postgresql.copy.CopyIn;

/**
 * Rows in {@code COPY}'s text format, recorded from a writer's own bind method: the writer binds a
 * row to {@link #statement()} as it would to a prepared statement, and each value is written as the
 * text PostgreSQL parses into the staged column's type. Values are encoded as the JDBC driver sends
 * them: a timestamp as its local time in the JVM's zone, with that zone's offset.
 */
final class CopyRows {
    private static final int FLUSH_BYTES = 1 << 16;
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSSxxx");

    private final String[] values;
    private final PreparedStatement statement;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(FLUSH_BYTES * 2);
    private final StringBuilder line = new StringBuilder(256);
    private final CopyIn copy;

    CopyRows(CopyIn copy, int parameters) {
        this.copy = copy;
        this.values = new String[parameters];
        this.statement =
                (PreparedStatement)
                        Proxy.newProxyInstance(
                                PreparedStatement.class.getClassLoader(),
                                new Class<?>[] {PreparedStatement.class},
                                (proxy, method, args) -> {
                                    String name = method.getName();
                                    if (!name.startsWith("set")
                                            || args == null
                                            || args.length < 2
                                            || !(args[0] instanceof Integer index)) {
                                        throw new IllegalStateException(
                                                "a bind method may only set parameters: " + name);
                                    }
                                    values[index - 1] =
                                            name.equals("setNull") ? null : text(args[1]);
                                    return null;
                                });
    }

    /** The statement a writer's bind method binds one row to. */
    PreparedStatement statement() {
        return statement;
    }

    /** Ends the row just bound, with the round it is applied in. */
    void endRow(int round) throws SQLException {
        for (String value : values) {
            if (value == null) {
                line.append("\\N");
            } else {
                escape(value);
            }
            line.append('\t');
        }
        line.append(round).append('\n');
        buffer.writeBytes(line.toString().getBytes(StandardCharsets.UTF_8));
        line.setLength(0);
        Arrays.fill(values, null);
        if (buffer.size() >= FLUSH_BYTES) {
            flush();
        }
    }

    /** Sends what is left and ends the copy; returns the rows PostgreSQL took. */
    long finish() throws SQLException {
        flush();
        return copy.endCopy();
    }

    private void flush() throws SQLException {
        if (buffer.size() > 0) {
            copy.writeToCopy(buffer.toByteArray(), 0, buffer.size());
            buffer.reset();
        }
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Timestamp timestamp) {
            return timestamp.toLocalDateTime().atZone(ZoneId.systemDefault()).format(TIMESTAMP);
        }
        if (value instanceof Date date) {
            return date.toLocalDate().toString();
        }
        if (value instanceof byte[] bytes) {
            return "\\x" + HexFormat.of().formatHex(bytes);
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        if (value instanceof Number || value instanceof Boolean || value instanceof String) {
            return value.toString();
        }
        throw new IllegalArgumentException(
                "no COPY text for a bound " + value.getClass().getName());
    }

    /**
     * COPY's text escapes. A NUL is passed through: PostgreSQL refuses it (22021), as it refuses it
     * bound to a statement, and the load isolates the row.
     */
    private void escape(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> line.append("\\\\");
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                case '\t' -> line.append("\\t");
                default -> line.append(c);
            }
        }
    }
}
