package io.streamwarehouse.local.warehouse;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.warehouse.WarehouseConnection;
import io.streamwarehouse.warehouse.WarehouseOptions;
import io.streamwarehouse.warehouse.WarehouseRoles;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * Jobs under test connect as production's do: through a login with the rights of {@link
 * WarehouseRoles#WRITER_ROLE}, never as the owner that migrated the database, so a job that needs
 * more than its role grants fails here first.
 */
public final class JobLogins {
    private JobLogins() {}

    /**
     * The settings with the warehouse owner's credentials replaced by those of a job login on the
     * same database. The login's name and password follow from the database and the owner's
     * password, so every call for one database (a restore, a second job) gets the same login and
     * leaves the connections of a running job valid.
     *
     * @param ownerConfig settings whose warehouse credentials may create roles
     */
    public static PipelineConfig asJob(PipelineConfig ownerConfig) throws SQLException {
        WarehouseConnection owner = WarehouseConnection.from(ownerConfig);
        try (Connection connection = owner.open()) {
            String database;
            try (Statement st = connection.createStatement();
                    ResultSet rs = st.executeQuery("SELECT current_database()")) {
                rs.next();
                database = rs.getString(1);
            }
            String login = ("job_" + database).substring(0, Math.min(63, 4 + database.length()));
            String password = derivedPassword(owner.password(), database);
            WarehouseRoles.createJobLogin(connection, login, password);
            return ownerConfig
                    .with(WarehouseOptions.WAREHOUSE_USERNAME, login)
                    .with(WarehouseOptions.WAREHOUSE_PASSWORD, password);
        }
    }

    private static String derivedPassword(String ownerPassword, String database) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(
                                    (ownerPassword + "\u0000" + database)
                                            .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
