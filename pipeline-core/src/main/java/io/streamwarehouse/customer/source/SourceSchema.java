package io.streamwarehouse.customer.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the source setup scripts of {@code sql/source/} (on the classpath under {@code db/source/})
 * on a JDBC connection: the Sakila-shaped tables, the PostgreSQL publication and the CDC user.
 */
public final class SourceSchema {

    /**
     * The publication the postgres-cdc source reads (created by {@code V2__customer_publication}).
     */
    public static final String PUBLICATION = "customer_dimension";

    /** The tables the customer dimension captures, parents first. */
    public static final List<String> CAPTURED_TABLES =
            List.of("country", "city", "address", "customer");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-z_]+)}");
    private static final Pattern DOLLAR_TAG = Pattern.compile("\\$[A-Za-z_]*\\$");
    private static final Pattern MYSQL_USER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,31}");
    private static final Pattern POSTGRES_ROLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern MYSQL_DATABASE = Pattern.compile("[A-Za-z0-9_$]{1,64}");

    private SourceSchema() {}

    /** Creates the source tables (and for PostgreSQL the publication); safe to run again. */
    public static void createTables(Connection connection, SourceDialect dialect)
            throws SQLException {
        for (String script : dialect.tableScripts()) {
            run(connection, dialect, script, Map.of());
        }
    }

    /**
     * Creates (or resets) the CDC user with exactly the grants of {@code cdc_user.sql}, for the
     * connection's database (and, for PostgreSQL, its current schema). Run as an administrator.
     *
     * @throws IllegalArgumentException if the user name is not a plain identifier or the password
     *     is empty
     */
    public static void createCdcUser(
            Connection connection, SourceDialect dialect, String user, String password)
            throws SQLException {
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("the CDC user needs a non-empty password");
        }
        Map<String, String> values = new LinkedHashMap<>();
        if (dialect == SourceDialect.MYSQL) {
            requireMatch(MYSQL_USER, user, "MySQL user name");
            String database = connection.getCatalog();
            requireMatch(MYSQL_DATABASE, database, "MySQL database name");
            values.put("database", database);
        } else {
            requireMatch(POSTGRES_ROLE, user, "PostgreSQL role name (lower case)");
            if (password.contains("$cdc$")) {
                throw new IllegalArgumentException("the password must not contain '$cdc$'");
            }
            values.put(
                    "database",
                    quotedIdentifierContent(queryString(connection, "SELECT current_database()")));
            values.put(
                    "schema",
                    quotedIdentifierContent(queryString(connection, "SELECT current_schema()")));
        }
        values.put("cdc_user", user);
        values.put("cdc_password", literalContent(dialect, password));
        run(connection, dialect, "cdc_user.sql", values);
    }

    /** Runs one script of the dialect's directory with its placeholders filled in. */
    public static void run(
            Connection connection,
            SourceDialect dialect,
            String fileName,
            Map<String, String> values)
            throws SQLException {
        String script = fill(readScript(dialect.resource(fileName)), values);
        try (Statement st = connection.createStatement()) {
            for (String sql : statements(script, dialect)) {
                st.execute(sql);
            }
        }
        if (!connection.getAutoCommit()) {
            connection.commit();
        }
    }

    /** Reads a script from the classpath as UTF-8. */
    public static String readScript(String resource) {
        ClassLoader loader = SourceSchema.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("SQL script not on the classpath: " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }

    /**
     * Replaces every {@code ${name}} with its value. Values are inserted as they are: callers
     * escape them for where they land (see {@link #literalContent}).
     *
     * @throws IllegalArgumentException if the script uses a placeholder without a value, so a
     *     half-filled statement never reaches the database
     */
    public static String fill(String script, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(script);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException(
                        "no value for placeholder ${" + m.group(1) + "}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * The text to put between single quotes for {@code value}: quotes doubled, and for MySQL
     * backslashes doubled too (MySQL treats them as escapes inside string literals by default).
     */
    public static String literalContent(SourceDialect dialect, String value) {
        String v = value;
        if (dialect == SourceDialect.MYSQL) {
            v = v.replace("\\", "\\\\");
        }
        return v.replace("'", "''");
    }

    private static String quotedIdentifierContent(String identifier) {
        return identifier.replace("\"", "\"\"");
    }

    /**
     * Splits a script into statements at semicolons that are outside string literals, quoted
     * identifiers, comments and (PostgreSQL) dollar-quoted bodies. Comments outside those are
     * dropped, so MySQL's executable comments ({@code /*! ... *}{@code /}) are not supported.
     */
    public static List<String> statements(String script, SourceDialect dialect) {
        List<String> result = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int n = script.length();
        int i = 0;
        while (i < n) {
            char c = script.charAt(i);
            char next = i + 1 < n ? script.charAt(i + 1) : '\0';
            if (c == '-' && next == '-') {
                int end = script.indexOf('\n', i);
                i = end < 0 ? n : end;
                continue;
            }
            if (c == '/' && next == '*') {
                int end = script.indexOf("*/", i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated comment in SQL script");
                }
                current.append(' ');
                i = end + 2;
                continue;
            }
            if (c == '\'' || c == '"' || (c == '`' && dialect == SourceDialect.MYSQL)) {
                int end = endOfQuoted(script, i, c, dialect == SourceDialect.MYSQL && c != '`');
                current.append(script, i, end);
                i = end;
                continue;
            }
            if (c == '$' && dialect == SourceDialect.POSTGRES) {
                Matcher tag = DOLLAR_TAG.matcher(script);
                if (tag.find(i) && tag.start() == i) {
                    String t = tag.group();
                    int end = script.indexOf(t, tag.end());
                    if (end < 0) {
                        throw new IllegalArgumentException("unterminated " + t + " block");
                    }
                    current.append(script, i, end + t.length());
                    i = end + t.length();
                    continue;
                }
            }
            if (c == ';') {
                addStatement(result, current);
                current.setLength(0);
                i++;
                continue;
            }
            current.append(c);
            i++;
        }
        addStatement(result, current);
        return result;
    }

    private static int endOfQuoted(String s, int start, char quote, boolean backslashEscapes) {
        int i = start + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
                continue;
            }
            if (c == quote) {
                if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        throw new IllegalArgumentException("unterminated " + quote + " in SQL script");
    }

    private static void addStatement(List<String> result, StringBuilder sql) {
        String s = sql.toString().strip();
        if (!s.isEmpty()) {
            result.add(s);
        }
    }

    private static void requireMatch(Pattern pattern, String value, String what) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new IllegalArgumentException("not a valid " + what + ": '" + value + "'");
        }
    }

    /** The first column of the first row {@code sql} returns, as a string. */
    public static String queryString(Connection connection, String sql) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            if (!rs.next()) {
                throw new SQLException("no result for " + sql);
            }
            return rs.getString(1);
        }
    }
}
