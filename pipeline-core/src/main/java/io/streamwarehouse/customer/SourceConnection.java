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
        return DriverManager.getConnection(jdbcUrl(config), username, password);
    }
}
