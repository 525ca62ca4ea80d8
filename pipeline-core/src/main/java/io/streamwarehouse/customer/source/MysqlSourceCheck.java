package io.streamwarehouse.customer.source;

import static io.streamwarehouse.customer.source.SourceCheck.fatal;
import static io.streamwarehouse.customer.source.SourceCheck.shown;

import io.streamwarehouse.customer.source.SourceCheck.Problem;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The rules of {@link SourceCheck} for a MySQL/MariaDB source: binlog settings and grants. */
public final class MysqlSourceCheck {

    private static final Pattern GRANT =
            Pattern.compile(
                    "^\\s*GRANT\\s+(.+?)\\s+ON\\s+(\\S+)\\s+TO\\s+.*$",
                    Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private MysqlSourceCheck() {}

    /** The current user's {@code SHOW GRANTS} lines (MySQL/MariaDB). */
    public static List<String> readGrants(Connection connection) throws SQLException {
        List<String> grants = new ArrayList<>();
        String sql =
                SourceSchema.statements(
                                SourceSchema.readScript(
                                        SourceDialect.MYSQL.resource("check_grants.sql")),
                                SourceDialect.MYSQL)
                        .get(0);
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                grants.add(rs.getString(1));
            }
        }
        return grants;
    }

    /**
     * The problems of a MySQL/MariaDB source.
     *
     * @param settings rows of {@code check_binlog.sql}
     * @param grants the user's {@code SHOW GRANTS} lines
     * @param database the database holding the captured tables
     */
    public static List<Problem> problems(
            Map<String, String> settings, List<String> grants, String database) {
        List<Problem> problems = new ArrayList<>();
        String logBin = settings.getOrDefault("log_bin", "");
        if (!isOn(logBin)) {
            problems.add(
                    fatal(
                            "log_bin",
                            "log_bin is OFF; set log_bin=mysql-bin and a unique non-zero server_id"
                                    + " in my.cnf [mysqld] and restart"));
        }
        String format = settings.getOrDefault("binlog_format", "");
        if (!format.equalsIgnoreCase("ROW")) {
            problems.add(
                    fatal(
                            "binlog_format",
                            "binlog_format is "
                                    + shown(format)
                                    + "; set binlog_format=ROW in my.cnf [mysqld] and restart"));
        }
        String image = settings.getOrDefault("binlog_row_image", "");
        if (!image.equalsIgnoreCase("FULL")) {
            problems.add(
                    fatal(
                            "binlog_row_image",
                            "binlog_row_image is "
                                    + shown(image)
                                    + "; set binlog_row_image=FULL in my.cnf [mysqld] and restart"
                                    + " (update events must carry the whole old row)"));
        }
        String serverId = settings.getOrDefault("server_id", "");
        if (serverId.isBlank() || serverId.trim().equals("0")) {
            problems.add(
                    fatal(
                            "server_id",
                            "server_id is "
                                    + shown(serverId)
                                    + "; set server_id to a unique non-zero number in my.cnf"
                                    + " [mysqld] and restart"));
        }
        String user = mysqlAccount(settings.get("current_user"));
        for (String table : SourceSchema.CAPTURED_TABLES) {
            String type = settings.get("table." + table);
            if (type == null) {
                problems.add(
                        fatal(
                                "table." + table,
                                "table %s is missing in database %s or not visible to %s; create it"
                                                .formatted(table, database, user)
                                        + " with sql/source/mysql/V1__sakila_customer_tables.sql"
                                        + " and grant SELECT with sql/source/mysql/cdc_user.sql"));
            } else if (!type.equalsIgnoreCase("BASE TABLE")) {
                problems.add(
                        fatal(
                                "table." + table,
                                table
                                        + " is a "
                                        + type
                                        + ", not a table; only base tables are in the binlog"));
            }
        }
        for (String missing : missingGrants(grants, database)) {
            String on = missing.equals("SELECT") ? "`" + database + "`.*" : "*.*";
            problems.add(
                    fatal(
                            "grant." + missing,
                            user
                                    + " lacks "
                                    + missing
                                    + " on "
                                    + on
                                    + "; run GRANT "
                                    + missing
                                    + " ON "
                                    + on
                                    + " TO "
                                    + user
                                    + " (see sql/source/mysql/cdc_user.sql)"));
        }
        return problems;
    }

    /**
     * The privileges the mysql-cdc source needs that the grant lines do not give: SELECT on the
     * database (or globally, or on each captured table), and globally RELOAD, SHOW DATABASES,
     * REPLICATION SLAVE and REPLICATION CLIENT (MariaDB 10.5+ shows the latter as BINLOG MONITOR).
     */
    public static List<String> missingGrants(List<String> grants, String database) {
        Set<String> global = new HashSet<>();
        Set<String> onDatabase = new HashSet<>();
        Map<String, Set<String>> onTable = new HashMap<>();
        for (String line : grants) {
            Matcher m = GRANT.matcher(line);
            if (!m.matches()) {
                continue; // role grants ("GRANT `r` TO `u`") and proxies carry no privileges here
            }
            Set<String> privileges = parsePrivileges(m.group(1));
            String scope = m.group(2).replace("`", "");
            if (scope.equals("*.*")) {
                global.addAll(privileges);
            } else if (scope.equalsIgnoreCase(database + ".*")) {
                onDatabase.addAll(privileges);
            } else if (scope.toLowerCase(Locale.ROOT)
                    .startsWith(database.toLowerCase(Locale.ROOT) + ".")) {
                String table = scope.substring(database.length() + 1).toLowerCase(Locale.ROOT);
                onTable.computeIfAbsent(table, t -> new HashSet<>()).addAll(privileges);
            }
        }
        List<String> missing = new ArrayList<>();
        if (global.contains("ALL")) {
            return missing;
        }
        boolean select =
                global.contains("SELECT")
                        || onDatabase.contains("SELECT")
                        || onDatabase.contains("ALL")
                        || SourceSchema.CAPTURED_TABLES.stream()
                                .allMatch(
                                        t -> {
                                            Set<String> p = onTable.getOrDefault(t, Set.of());
                                            return p.contains("SELECT") || p.contains("ALL");
                                        });
        if (!select) {
            missing.add("SELECT");
        }
        for (String required : List.of("RELOAD", "SHOW DATABASES")) {
            if (!global.contains(required)) {
                missing.add(required);
            }
        }
        if (!global.contains("REPLICATION SLAVE") && !global.contains("REPLICATION REPLICA")) {
            missing.add("REPLICATION SLAVE");
        }
        if (!global.contains("REPLICATION CLIENT")
                && !global.contains("BINLOG MONITOR")
                && !global.contains("SUPER")) {
            missing.add("REPLICATION CLIENT");
        }
        return missing;
    }

    private static Set<String> parsePrivileges(String list) {
        Set<String> result = new HashSet<>();
        int depth = 0;
        StringBuilder current = new StringBuilder();
        for (char c : list.toCharArray()) {
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                addPrivilege(result, current.toString());
                current.setLength(0);
            } else if (depth == 0) {
                current.append(c);
            }
        }
        addPrivilege(result, current.toString());
        return result;
    }

    private static void addPrivilege(Set<String> result, String raw) {
        String p = raw.trim().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
        if (p.equals("ALL PRIVILEGES")) {
            p = "ALL";
        }
        if (!p.isEmpty()) {
            result.add(p);
        }
    }

    private static boolean isOn(String value) {
        String v = value.trim();
        return v.equals("1") || v.equalsIgnoreCase("ON");
    }

    /** {@code cdc@%} as {@code 'cdc'@'%'}, the form GRANT statements take. */
    private static String mysqlAccount(String currentUser) {
        if (currentUser == null || !currentUser.contains("@")) {
            return "the job's user";
        }
        int at = currentUser.lastIndexOf('@');
        return "'" + currentUser.substring(0, at) + "'@'" + currentUser.substring(at + 1) + "'";
    }
}
