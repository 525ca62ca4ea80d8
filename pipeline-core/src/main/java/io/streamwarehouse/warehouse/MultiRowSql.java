package io.streamwarehouse.warehouse;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.PreparedStatement;
import java.util.Collections;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One row's {@code INSERT ... VALUES (?, ...) ...} turned into the same statement for n rows, so a
 * writer's single-row SQL and bind method are written once and serve both.
 */
final class MultiRowSql {
    /** {@code VALUES (?, ?::jsonb, ...)}: placeholders, each with an optional cast. */
    private static final Pattern ROW =
            Pattern.compile("VALUES\\s*(\\(\\s*\\?(?:::\\w+)?(?:\\s*,\\s*\\?(?:::\\w+)?)*\\s*\\))");

    private final String head;
    private final String row;
    private final String tail;
    private final int parameters;

    private MultiRowSql(String head, String row, String tail) {
        this.head = head;
        this.row = row;
        this.tail = tail;
        this.parameters = (int) row.chars().filter(c -> c == '?').count();
    }

    static MultiRowSql of(String sql) {
        Matcher m = ROW.matcher(sql);
        if (!m.find()) {
            throw new IllegalArgumentException("no VALUES (?, ...) in " + sql);
        }
        return new MultiRowSql(sql.substring(0, m.start(1)), m.group(1), sql.substring(m.end(1)));
    }

    int parameters() {
        return parameters;
    }

    String forRows(int rows) {
        return head + String.join(", ", Collections.nCopies(rows, row)) + tail;
    }

    /**
     * The statement seen by a bind method written for one row, moved to the row at {@code offset}
     * parameters: every {@code setX(index, ...)} lands at {@code index + offset}.
     */
    static PreparedStatement shifted(PreparedStatement statement, int offset) {
        if (offset == 0) {
            return statement;
        }
        return (PreparedStatement)
                Proxy.newProxyInstance(
                        PreparedStatement.class.getClassLoader(),
                        new Class<?>[] {PreparedStatement.class},
                        (proxy, method, args) -> {
                            if (method.getName().startsWith("set")
                                    && args != null
                                    && args.length > 1
                                    && method.getParameterTypes()[0] == int.class) {
                                args[0] = (Integer) args[0] + offset;
                            }
                            try {
                                return method.invoke(statement, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
    }
}
