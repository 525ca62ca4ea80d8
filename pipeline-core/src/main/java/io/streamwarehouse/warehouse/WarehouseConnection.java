package io.streamwarehouse.warehouse;

import io.streamwarehouse.config.PipelineConfig;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/** Where and as whom to connect to the warehouse. Serializable so operators can carry it. */
public final class WarehouseConnection implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String jdbcUrl;
    private final String username;
    private final String password;
    private final Duration retryTimeout;

    public WarehouseConnection(
            String jdbcUrl, String username, String password, Duration retryTimeout) {
        this.jdbcUrl = jdbcUrl;
        this.username = username;
        this.password = password;
        this.retryTimeout = retryTimeout;
    }

    public static WarehouseConnection from(PipelineConfig config) {
        return new WarehouseConnection(
                config.get(WarehouseOptions.WAREHOUSE_JDBC_URL),
                config.get(WarehouseOptions.WAREHOUSE_USERNAME),
                config.get(WarehouseOptions.WAREHOUSE_PASSWORD),
                config.get(WarehouseOptions.WAREHOUSE_RETRY_TIMEOUT));
    }

    public Connection open() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", username);
        properties.setProperty("password", password);
        // a hung warehouse must surface as an error the retry policy sees, not a stuck checkpoint
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("socketTimeout", "300");
        properties.setProperty("ApplicationName", "streamwarehouse");
        // the driver is used directly: DriverManager does not see drivers that arrive inside a job
        // jar on a cluster (they live in the user class loader)
        Connection connection = new org.postgresql.Driver().connect(jdbcUrl, properties);
        if (connection == null) {
            throw new SQLException("not a PostgreSQL JDBC URL: " + jdbcUrl, "08001");
        }
        return connection;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    public Duration retryTimeout() {
        return retryTimeout;
    }

    @Override
    public String toString() {
        return "WarehouseConnection{" + jdbcUrl + " as " + username + "}";
    }
}
