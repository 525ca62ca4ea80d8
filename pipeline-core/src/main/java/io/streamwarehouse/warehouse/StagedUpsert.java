package io.streamwarehouse.warehouse;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A writer's one-row {@code INSERT INTO t (cols) VALUES (?, ...) ON CONFLICT ... RETURNING (xmax =
 * 0)} turned into its bulk form: the rows are copied into a temporary table shaped like the
 * statement's columns, then applied by the same statement with {@code SELECT ... FROM} the staged
 * rows in place of {@code VALUES}, one round at a time. So a writer's SQL and bind method are
 * written once and serve both a single row and a load of any size.
 */
final class StagedUpsert {
    /** {@code INSERT INTO t [AS a] (c1, ...) VALUES (?, ?::jsonb, ...) tail}. */
    private static final Pattern INSERT =
            Pattern.compile(
                    "^\\s*INSERT\\s+INTO\\s+([\\w.]+)(\\s+AS\\s+\\w+)?\\s*\\(([^)]*)\\)\\s*"
                            + "VALUES\\s*\\(\\s*\\?(?:::\\w+)?(?:\\s*,\\s*\\?(?:::\\w+)?)*\\s*\\)"
                            + "(.*)RETURNING\\s+\\(xmax\\s*=\\s*0\\)\\s*$",
                    Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    /** The column that orders the rounds: a key's n-th occurrence in a load goes in round n. */
    static final String ROUND = "copy_round";

    private final String table;
    private final String stage;
    private final List<String> columns;
    private final String head;
    private final String tail;

    private StagedUpsert(String table, String alias, List<String> columns, String tail) {
        this.table = table;
        this.stage = "pg_temp.staged_" + table.replace('.', '_');
        this.columns = columns;
        this.head =
                "INSERT INTO " + table + (alias == null ? "" : alias) + " (" + columnList() + ")";
        this.tail = tail;
    }

    static StagedUpsert of(String sql) {
        Matcher m = INSERT.matcher(sql);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "not INSERT INTO t (...) VALUES (?, ...) ... RETURNING (xmax = 0): " + sql);
        }
        List<String> columns = Arrays.stream(m.group(3).split(",")).map(String::trim).toList();
        int placeholders = (int) m.group(0).chars().filter(c -> c == '?').count();
        if (placeholders != columns.size()) {
            throw new IllegalArgumentException(
                    columns.size() + " columns but " + placeholders + " placeholders: " + sql);
        }
        return new StagedUpsert(m.group(1), m.group(2), columns, m.group(4));
    }

    int parameters() {
        return columns.size();
    }

    private String columnList() {
        return String.join(", ", columns);
    }

    /**
     * The staging table, once per connection: typed from the target's own columns, so the copied
     * text is parsed as the statement's placeholders would have been, and emptied at every commit.
     */
    String createStage() {
        return "CREATE TEMP TABLE IF NOT EXISTS "
                + stage.substring("pg_temp.".length())
                + " ON COMMIT DELETE ROWS AS SELECT "
                + columnList()
                + ", 0 AS "
                + ROUND
                + " FROM "
                + table
                + " WITH NO DATA";
    }

    String emptyStage() {
        return "TRUNCATE " + stage;
    }

    String copy() {
        return "COPY " + stage + " (" + columnList() + ", " + ROUND + ") FROM STDIN";
    }

    /**
     * One round applied: the writer's own conflict action and guard, counting fresh inserts and
     * updates; rows the guard refused return nothing. The {@code WHERE} also keeps PostgreSQL from
     * reading {@code ON CONFLICT} as a join condition of the {@code FROM}.
     */
    String applyRound() {
        return "WITH applied AS ("
                + head
                + " SELECT "
                + columnList()
                + " FROM "
                + stage
                + " WHERE "
                + ROUND
                + " = ?"
                + tail
                + "RETURNING (xmax = 0) AS fresh)"
                + " SELECT count(*) FILTER (WHERE fresh), count(*) FILTER (WHERE NOT fresh)"
                + " FROM applied";
    }
}
