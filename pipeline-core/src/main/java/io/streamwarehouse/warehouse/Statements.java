package io.streamwarehouse.warehouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Prepared statements of one connection, prepared once per SQL text and reused across loads. */
public final class Statements implements AutoCloseable {
    private final Connection connection;
    private final Map<String, PreparedStatement> prepared = new HashMap<>();
    private final Set<Object> staged = new HashSet<>();
    private Load<?> load;

    public Statements(Connection connection) {
        this.connection = connection;
    }

    public PreparedStatement get(String sql) throws SQLException {
        PreparedStatement statement = prepared.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            prepared.put(sql, statement);
        }
        return statement;
    }

    /** The load being written, for writers that record its identity (job run, checkpoint). */
    public Load<?> load() {
        return load;
    }

    void startLoad(Load<?> load) {
        this.load = load;
        staged.clear();
    }

    /**
     * Whether the current load staged rows into this table before: a load narrowed down to a bad
     * row stages part after part in one transaction, and each must find the table empty.
     */
    boolean stagedBefore(Object stage) {
        return !staged.add(stage);
    }

    public Connection connection() {
        return connection;
    }

    @Override
    public void close() {
        for (PreparedStatement statement : prepared.values()) {
            try {
                statement.close();
            } catch (SQLException ignored) {
                // closing is best effort: the connection is discarded next
            }
        }
        prepared.clear();
    }
}
