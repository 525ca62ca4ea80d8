package io.streamwarehouse.customer.source;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks at job start that the source database can feed the CDC source, and says exactly what to
 * change when it cannot. Without this, a wrong binlog format or WAL level shows up much later as an
 * obscure connector error, or worse as silently missing columns in update events.
 *
 * <p>The decision part ({@link #mysqlProblems}, {@link #postgresProblems}) is a pure function of
 * the settings read by {@code sql/source/*}{@code /check_*.sql}, so every rule is unit-tested
 * without a database.
 */
public final class SourceCheck {

    /** {@code pg_class.relreplident} by the name ALTER TABLE uses. */
    private static final Map<String, String> REPLICA_IDENTITIES =
            Map.of("d", "DEFAULT", "i", "USING INDEX", "n", "NOTHING");

    /** One thing to change. Non-fatal problems are logged; fatal ones stop the job. */
    public record Problem(String setting, String message, boolean fatal) {}

    private static final Pattern GRANT =
            Pattern.compile(
                    "^\\s*GRANT\\s+(.+?)\\s+ON\\s+(\\S+)\\s+TO\\s+.*$",
                    Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

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
            return mysqlProblems(settings, readGrants(connection), connection.getCatalog());
        }
        return postgresProblems(settings, SourceSchema.PUBLICATION, slotName);
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
    public static List<Problem> mysqlProblems(
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
                                "table "
                                        + table
                                        + " is missing in database "
                                        + database
                                        + " or not visible to "
                                        + user
                                        + "; create it with"
                                        + " sql/source/mysql/V1__sakila_customer_tables.sql and"
                                        + " grant SELECT with sql/source/mysql/cdc_user.sql"));
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
        for (String missing : missingMysqlGrants(grants, database)) {
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
    public static List<String> missingMysqlGrants(List<String> grants, String database) {
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

    /**
     * The problems of a PostgreSQL source.
     *
     * @param settings rows of {@code check_wal.sql}
     * @param publication the publication the job reads
     * @param slotName the job's replication slot, or null if unknown (then an existing slot of the
     *     job cannot be told apart from a new one)
     */
    public static List<Problem> postgresProblems(
            Map<String, String> settings, String publication, String slotName) {
        List<Problem> problems = new ArrayList<>();
        String walLevel = settings.getOrDefault("wal_level", "");
        if (!walLevel.equalsIgnoreCase("logical")) {
            problems.add(
                    fatal(
                            "wal_level",
                            "wal_level is "
                                    + shown(walLevel)
                                    + "; set wal_level = logical in postgresql.conf (or ALTER SYSTEM"
                                    + " SET wal_level = logical) and restart PostgreSQL"));
        }
        int maxSlots = intSetting(settings, "max_replication_slots");
        int usedSlots = intSetting(settings, "replication_slots_used");
        boolean ownSlotExists = slotName != null && settings.containsKey("slot." + slotName);
        if (maxSlots <= 0) {
            problems.add(
                    fatal(
                            "max_replication_slots",
                            "max_replication_slots is 0; set max_replication_slots to at least the"
                                    + " number of CDC sources in postgresql.conf and restart"
                                    + " PostgreSQL"));
        } else if (!ownSlotExists && usedSlots >= maxSlots) {
            problems.add(
                    fatal(
                            "max_replication_slots",
                            "all "
                                    + maxSlots
                                    + " replication slots are in use; raise max_replication_slots"
                                    + " in postgresql.conf and restart, or drop an unused slot with"
                                    + " SELECT pg_drop_replication_slot('<name>')"));
        }
        if (ownSlotExists && settings.get("slot." + slotName).endsWith(",true")) {
            problems.add(
                    warning(
                            "slot." + slotName,
                            "replication slot "
                                    + slotName
                                    + " is in use by another connection; if no other job reads it,"
                                    + " that connection is a leftover that PostgreSQL ends after"
                                    + " wal_sender_timeout"));
        }
        if (intSetting(settings, "max_wal_senders") <= 0) {
            problems.add(
                    fatal(
                            "max_wal_senders",
                            "max_wal_senders is 0; set max_wal_senders to at least the number of"
                                    + " CDC sources in postgresql.conf and restart PostgreSQL"));
        }
        String role = settings.getOrDefault("current_user", "<role>");
        boolean superuser = "true".equalsIgnoreCase(settings.get("rolsuper"));
        if (!superuser && !"true".equalsIgnoreCase(settings.get("rolreplication"))) {
            problems.add(
                    fatal(
                            "rolreplication",
                            "role "
                                    + role
                                    + " lacks the REPLICATION attribute; run ALTER ROLE "
                                    + role
                                    + " WITH REPLICATION as a superuser (see"
                                    + " sql/source/postgres/cdc_user.sql)"));
        }
        String schema = settings.getOrDefault("current_schema", "public");
        for (String table : SourceSchema.CAPTURED_TABLES) {
            String identity = settings.get("replica_identity." + table);
            if (identity == null) {
                problems.add(
                        fatal(
                                "table." + table,
                                "table "
                                        + schema
                                        + "."
                                        + table
                                        + " does not exist or is not visible to "
                                        + role
                                        + "; create it with"
                                        + " sql/source/postgres/V1__sakila_customer_tables.sql"));
                continue;
            }
            if (!identity.equals("f")) {
                problems.add(
                        fatal(
                                "replica_identity." + table,
                                "table "
                                        + table
                                        + " has REPLICA IDENTITY "
                                        + REPLICA_IDENTITIES.getOrDefault(identity, identity)
                                        + ", so its updates do not carry the old row; run ALTER"
                                        + " TABLE "
                                        + schema
                                        + "."
                                        + table
                                        + " REPLICA IDENTITY FULL (once a quiet row's state has"
                                        + " expired, customer.state-ttl, only the old row in the"
                                        + " log tells the job which values to retract)"));
            }
            if (!"true".equalsIgnoreCase(settings.get("select." + table))) {
                problems.add(
                        fatal(
                                "select." + table,
                                "role "
                                        + role
                                        + " cannot SELECT "
                                        + table
                                        + "; run GRANT SELECT ON "
                                        + schema
                                        + "."
                                        + table
                                        + " TO "
                                        + role
                                        + " (see sql/source/postgres/cdc_user.sql)"));
            }
            String publications = settings.getOrDefault("publication." + table, "");
            if (publication != null && !List.of(publications.split(",")).contains(publication)) {
                problems.add(
                        fatal(
                                "publication." + table,
                                "table "
                                        + table
                                        + " is not in publication "
                                        + publication
                                        + "; run sql/source/postgres/V2__customer_publication.sql"
                                        + " as the owner of the tables"));
            }
        }
        return problems;
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

    private static int intSetting(Map<String, String> settings, String key) {
        try {
            return Integer.parseInt(settings.getOrDefault(key, "0").trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String shown(String value) {
        return value == null || value.isBlank() ? "not set" : value;
    }

    /** {@code cdc@%} as {@code 'cdc'@'%'}, the form GRANT statements take. */
    private static String mysqlAccount(String currentUser) {
        if (currentUser == null || !currentUser.contains("@")) {
            return "the job's user";
        }
        int at = currentUser.lastIndexOf('@');
        return "'" + currentUser.substring(0, at) + "'@'" + currentUser.substring(at + 1) + "'";
    }

    private static Problem fatal(String setting, String message) {
        return new Problem(setting, message, true);
    }

    private static Problem warning(String setting, String message) {
        return new Problem(setting, message, false);
    }
}
