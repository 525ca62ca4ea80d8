package io.streamwarehouse.warehouse;

import io.streamwarehouse.customer.source.SourceDialect;
import io.streamwarehouse.customer.source.SourceSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The least-privilege side of the warehouse: the jobs connect as a login that holds the rights of
 * {@value #WRITER_ROLE} (rows of staging, warehouse and audit) and nothing else, so a leaked job
 * password cannot change the schema or read other data. The migrations run as the schema owner.
 */
public final class WarehouseRoles {
    /** The group role the migrations grant to (sql/warehouse/R__warehouse_writer_grants.sql). */
    public static final String WRITER_ROLE = "warehouse_writer";

    private static final String JOB_LOGIN_SCRIPT = "db/warehouse/job_login.sql";
    private static final Pattern ROLE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private WarehouseRoles() {}

    /**
     * Creates (or resets the password of) a login that is a member of {@value #WRITER_ROLE}, as
     * {@code sql/warehouse/job_login.sql} says. Run as a role with CREATEROLE.
     *
     * @throws IllegalArgumentException if the name is not a plain lower-case identifier or the
     *     password is empty
     */
    public static void createJobLogin(Connection admin, String login, String password)
            throws SQLException {
        requireRoleName(login);
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("the job login needs a non-empty password");
        }
        if (password.contains("$job$")) {
            throw new IllegalArgumentException("the password must not contain '$job$'");
        }
        String script =
                SourceSchema.fill(
                        SourceSchema.readScript(JOB_LOGIN_SCRIPT),
                        Map.of(
                                "job_user",
                                login,
                                "job_password",
                                SourceSchema.literalContent(SourceDialect.POSTGRES, password)));
        try (Statement st = admin.createStatement()) {
            for (String sql : SourceSchema.statements(script, SourceDialect.POSTGRES)) {
                st.execute(sql);
            }
        }
        if (!admin.getAutoCommit()) {
            admin.commit();
        }
    }

    /**
     * @throws IllegalArgumentException unless {@code name} is a role name that needs no quoting
     */
    public static String requireRoleName(String name) {
        if (name == null || !ROLE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "not a valid PostgreSQL role name (lower case letters, digits, _): '"
                            + name
                            + "'");
        }
        return name;
    }
}
