package io.streamwarehouse.customer.source;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.customer.CustomerOptions;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.Properties;

/** Plain JDBC access to the configured OLTP source: for checks and for simulated changes. */
public final class SourceConnection {
    private SourceConnection() {}

    public static SourceDialect dialect(PipelineConfig config) {
        return config.get(CustomerOptions.SOURCE_TYPE);
    }

    public static String jdbcUrl(PipelineConfig config) {
        return String.format(
                dialect(config) == SourceDialect.MYSQL
                        ? "jdbc:mysql://%s:%d/%s"
                        : "jdbc:postgresql://%s:%d/%s",
                config.get(CustomerOptions.SOURCE_HOSTNAME),
                CustomerOptions.sourcePort(config),
                config.get(CustomerOptions.SOURCE_DATABASE));
    }

    /**
     * Connector/J settings every MySQL connection of the pipeline uses. MySQL 8 authenticates with
     * caching_sha2_password: once its in-memory cache is empty (after a restart) a login without
     * TLS needs the server's RSA key, which the driver fetches only when allowed.
     */
    public static Properties mysqlDriverProperties(PipelineConfig config) {
        Properties properties = new Properties();
        properties.setProperty(
                "allowPublicKeyRetrieval",
                String.valueOf(config.get(CustomerOptions.SOURCE_ALLOW_PUBLIC_KEY_RETRIEVAL)));
        return properties;
    }

    /** Connects as the configured (CDC) user. */
    public static Connection open(PipelineConfig config) throws SQLException {
        return open(
                config,
                config.get(CustomerOptions.SOURCE_USERNAME),
                config.get(CustomerOptions.SOURCE_PASSWORD));
    }

    public static Connection open(PipelineConfig config, String username, String password)
            throws SQLException {
        Properties credentials = new Properties();
        credentials.setProperty("user", username);
        credentials.setProperty("password", password);
        if (dialect(config) == SourceDialect.MYSQL) {
            credentials.putAll(mysqlDriverProperties(config));
        }
        // the driver is used directly: DriverManager does not see drivers that arrive inside a
        // job jar on a cluster (they live in the user class loader)
        Driver driver =
                dialect(config) == SourceDialect.MYSQL
                        ? new com.mysql.cj.jdbc.Driver()
                        : new org.postgresql.Driver();
        return driver.connect(jdbcUrl(config), credentials);
    }
}
