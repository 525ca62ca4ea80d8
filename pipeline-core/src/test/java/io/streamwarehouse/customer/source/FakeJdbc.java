package io.streamwarehouse.customer.source;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A JDBC connection that records what is sent to it and answers queries from canned rows, so the
 * JDBC side of the source helpers (batching, transactions, statements, parameters) is checked
 * without a database server.
 */
public final class FakeJdbc {

    /** One statement execution: its SQL and, for prepared statements, the bound parameters. */
    public record Execution(String sql, List<Object> params, boolean batched) {}

    public final List<Execution> executions = new ArrayList<>();
    public final Map<String, List<Object[]>> answers = new LinkedHashMap<>();
    public int executeBatchCalls;
    public int commits;
    public int rollbacks;
    public int nextGeneratedKey = 1000;
    public boolean autoCommit = true;
    public String catalog = "sakila_test";
    public int updateCount = 1;

    /** Rows returned by any query whose SQL contains {@code sqlFragment}. */
    public FakeJdbc answer(String sqlFragment, Object[]... rows) {
        answers.put(sqlFragment, new ArrayList<>(Arrays.asList(rows)));
        return this;
    }

    public List<String> sql() {
        List<String> out = new ArrayList<>();
        for (Execution e : executions) {
            out.add(e.sql());
        }
        return out;
    }

    public List<Execution> executionsOf(String sqlFragment) {
        List<Execution> out = new ArrayList<>();
        for (Execution e : executions) {
            if (e.sql().contains(sqlFragment)) {
                out.add(e);
            }
        }
        return out;
    }

    public Connection connection() {
        return proxy(
                Connection.class,
                (p, m, args) -> {
                    switch (m.getName()) {
                        case "createStatement":
                            return statement(null);
                        case "prepareStatement":
                            return statement((String) args[0]);
                        case "getAutoCommit":
                            return autoCommit;
                        case "setAutoCommit":
                            autoCommit = (Boolean) args[0];
                            return null;
                        case "commit":
                            commits++;
                            return null;
                        case "rollback":
                            rollbacks++;
                            return null;
                        case "getCatalog":
                            return catalog;
                        default:
                            return defaultValue(m);
                    }
                });
    }

    private Object statement(String preparedSql) {
        Map<Integer, Object> params = new TreeMap<>();
        List<List<Object>> batch = new ArrayList<>();
        Class<?> type = preparedSql == null ? Statement.class : PreparedStatement.class;
        return proxy(
                type,
                (p, m, args) -> {
                    String name = m.getName();
                    if (name.startsWith("set") && args != null && args.length >= 2) {
                        params.put((Integer) args[0], name.equals("setNull") ? null : args[1]);
                        return null;
                    }
                    switch (name) {
                        case "execute":
                            record(
                                    args != null && args.length > 0
                                            ? (String) args[0]
                                            : preparedSql,
                                    params);
                            return false;
                        case "executeUpdate":
                            record(
                                    args != null && args.length > 0
                                            ? (String) args[0]
                                            : preparedSql,
                                    params);
                            return updateCount;
                        case "executeQuery":
                            String sql =
                                    args != null && args.length > 0
                                            ? (String) args[0]
                                            : preparedSql;
                            record(sql, params);
                            return resultSet(rowsFor(sql));
                        case "addBatch":
                            batch.add(new ArrayList<>(params.values()));
                            params.clear();
                            return null;
                        case "executeBatch":
                            executeBatchCalls++;
                            for (List<Object> row : batch) {
                                executions.add(new Execution(preparedSql, row, true));
                            }
                            int[] counts = new int[batch.size()];
                            Arrays.fill(counts, 1);
                            batch.clear();
                            return counts;
                        case "getGeneratedKeys":
                            return resultSet(List.<Object[]>of(new Object[] {nextGeneratedKey++}));
                        default:
                            return defaultValue(m);
                    }
                });
    }

    private void record(String sql, Map<Integer, Object> params) {
        executions.add(new Execution(sql, new ArrayList<>(params.values()), false));
    }

    private List<Object[]> rowsFor(String sql) {
        for (Map.Entry<String, List<Object[]>> e : answers.entrySet()) {
            if (sql.contains(e.getKey())) {
                return e.getValue();
            }
        }
        return List.of();
    }

    private static ResultSet resultSet(List<Object[]> rows) {
        int[] cursor = {-1};
        return proxy(
                ResultSet.class,
                (p, m, args) -> {
                    switch (m.getName()) {
                        case "next":
                            cursor[0]++;
                            return cursor[0] < rows.size();
                        case "getString":
                            Object s = rows.get(cursor[0])[(Integer) args[0] - 1];
                            return s == null ? null : s.toString();
                        case "getInt":
                            return ((Number) rows.get(cursor[0])[(Integer) args[0] - 1]).intValue();
                        case "getLong":
                            return ((Number) rows.get(cursor[0])[(Integer) args[0] - 1])
                                    .longValue();
                        case "getObject":
                            return rows.get(cursor[0])[(Integer) args[0] - 1];
                        default:
                            return defaultValue(m);
                    }
                });
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return (T)
                Proxy.newProxyInstance(
                        FakeJdbc.class.getClassLoader(), new Class<?>[] {type}, handler);
    }

    private static Object defaultValue(Method m) {
        Class<?> r = m.getReturnType();
        if (r == boolean.class) {
            return false;
        }
        if (r == int.class) {
            return 0;
        }
        if (r == long.class) {
            return 0L;
        }
        return null;
    }
}
