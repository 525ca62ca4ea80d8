package io.streamwarehouse.customer.source;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks at job start that the source database can feed the CDC source, and says exactly what to
 * change when it cannot. Without this, a wrong binlog format or WAL level shows up much later as an
 * obscure connector error, or worse as silently missing columns in update events.
 *
 * <p>The decision part ({@link MysqlSourceCheck#problems}, {@link PostgresSourceCheck#problems}) is
 * a pure function of the settings read by {@code sql/source/*}{@code /check_*.sql}, so every rule
 * is unit-tested without a database.
 */
public final class SourceCheck {

    /** One thing to change. Non-fatal problems are logged; fatal ones stop the job. */
    public record Problem(String setting, String message, boolean fatal) {}

    private SourceCheck() {}

    /**
     * Reads the settings and fails if any fatal problem is found.
     *
     * @return the non-fatal problems, for the caller to log
     * @throws SourceNotReadyException listing every problem with what to change
     */
    public static List<Problem> verify(Connection connection, SourceDialect dialect)
            throws SQLException {
        return verify(connection, dialect, null);
    }

    /**
     * As {@link #verify(Connection, SourceDialect)}, for a job that reads the replication slot
     * {@code slotName} (PostgreSQL; ignored for MySQL). A restarted job reuses its slot, so its own
     * slot does not count against {@code max_replication_slots}.
     */
    public static List<Problem> verify(
            Connection connection, SourceDialect dialect, String slotName) throws SQLException {
        List<Problem> problems = inspect(connection, dialect, slotName);
        if (problems.stream().anyMatch(Problem::fatal)) {
            throw new SourceNotReadyException(dialect, problems);
        }
        return problems;
    }

    /** Reads the settings and returns every problem, fatal or not. */
    public static List<Problem> inspect(Connection connection, SourceDialect dialect)
            throws SQLException {
        return inspect(connection, dialect, null);
    }

    /**
     * As {@link #inspect(Connection, SourceDialect)}, for a job that reads the replication slot
     * {@code slotName} (PostgreSQL; null if unknown, ignored for MySQL).
     */
    public static List<Problem> inspect(
            Connection connection, SourceDialect dialect, String slotName) throws SQLException {
        Map<String, String> settings = readSettings(connection, dialect);
        if (dialect == SourceDialect.MYSQL) {
            return MysqlSourceCheck.problems(
                    settings, MysqlSourceCheck.readGrants(connection), connection.getCatalog());
        }
        return PostgresSourceCheck.problems(settings, SourceSchema.PUBLICATION, slotName);
    }

    /** Runs the dialect's check script; its rows are (setting, value) pairs. */
    public static Map<String, String> readSettings(Connection connection, SourceDialect dialect)
            throws SQLException {
        String file = dialect == SourceDialect.MYSQL ? "check_binlog.sql" : "check_wal.sql";
        Map<String, String> settings = new LinkedHashMap<>();
        try (Statement st = connection.createStatement()) {
            for (String sql :
                    SourceSchema.statements(
                            SourceSchema.readScript(dialect.resource(file)), dialect)) {
                try (ResultSet rs = st.executeQuery(sql)) {
                    while (rs.next()) {
                        settings.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
        }
        return settings;
    }

    static String shown(String value) {
        return value == null || value.isBlank() ? "not set" : value;
    }

    static Problem fatal(String setting, String message) {
        return new Problem(setting, message, true);
    }

    static Problem warning(String setting, String message) {
        return new Problem(setting, message, false);
    }
}
