package io.streamwarehouse.customer;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.config.PipelineOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** Plain JDBC access to the configured OLTP source: for checks and for simulated changes. */
public final class SourceConnection {
    private SourceConnection() {}

    public static SourceDialect dialect(PipelineConfig config) {
        return config.get(PipelineOptions.SOURCE_TYPE);
    }

    public static String jdbcUrl(PipelineConfig config) {
        return String.format(
                dialect(config) == SourceDialect.MYSQL
                        ? "jdbc:mysql://%s:%d/%s"
                        : "jdbc:postgresql://%s:%d/%s",
                config.get(PipelineOptions.SOURCE_HOSTNAME),
                config.sourcePort(),
                config.get(PipelineOptions.SOURCE_DATABASE));
    }

    /** Connects as the configured (CDC) user. */
    public static Connection open(PipelineConfig config) throws SQLException {
        return open(
                config,
                config.get(PipelineOptions.SOURCE_USERNAME),
                config.get(PipelineOptions.SOURCE_PASSWORD));
    }

    public static Connection open(PipelineConfig config, String username, String password)
            throws SQLException {
        // DriverManager only sees drivers of the system class loader; in a job jar on a cluster
        // the driver must be registered from the user class loader first
        loadDriver(
                dialect(config) == SourceDialect.MYSQL
                        ? "com.mysql.cj.jdbc.Driver"
                        : "org.postgresql.Driver");
        return DriverManager.getConnection(jdbcUrl(config), username, password);
    }

    static void loadDriver(String className) {
        try {
            Class.forName(className, true, SourceConnection.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(
                    "JDBC driver " + className + " is not on the classpath", e);
        }
    }
}
