package io.streamwarehouse.local.customer;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * {@code warehouse.dim_customer} read back over JDBC, and the comparison with the source join.
 * Values are compared as normalized text so that a MySQL {@code TINYINT(1)}, a PostgreSQL {@code
 * BOOLEAN}, a {@code DATE} and a {@code DATETIME} are equal when they mean the same.
 */
final class DimensionRows {

    /** The dimension's attributes that come from the source, in the order both queries read. */
    static final List<String> ATTRIBUTES =
            List.of(
                    "store_id",
                    "first_name",
                    "last_name",
                    "email",
                    "active",
                    "create_date",
                    "address_id",
                    "address",
                    "address2",
                    "district",
                    "postal_code",
                    "phone",
                    "city_id",
                    "city",
                    "country_id",
                    "country");

    private static final String NULL = "<null>";

    private DimensionRows() {}

    /** The source attributes of one customer, normalized. */
    record Values(List<String> values) {
        static Values read(ResultSet rs, int firstColumn) throws SQLException {
            List<String> values = new ArrayList<>();
            for (int i = 0; i < ATTRIBUTES.size(); i++) {
                values.add(normalize(rs.getObject(firstColumn + i)));
            }
            return new Values(Collections.unmodifiableList(values));
        }

        /** A copy with one attribute replaced by {@code f} of its value (null stays null). */
        Values map(String attribute, UnaryOperator<String> f) {
            List<String> copy = new ArrayList<>(values);
            int i = ATTRIBUTES.indexOf(attribute);
            String value = copy.get(i);
            copy.set(i, value.equals(NULL) ? NULL : f.apply(value));
            return new Values(Collections.unmodifiableList(copy));
        }

        @Override
        public String toString() {
            return String.join(" | ", values);
        }
    }

    /** One row of the dimension: the source attributes plus what the pipeline adds. */
    record DimRow(
            int customerId,
            Values values,
            boolean deleted,
            Instant deletedAt,
            long sourceVersion,
            Instant sourceTs,
            Instant loadedAt) {}

    static Map<Integer, DimRow> read(Connection warehouse) throws SQLException {
        String sql =
                "SELECT customer_id, "
                        + String.join(", ", ATTRIBUTES)
                        + ", is_deleted, deleted_at, source_version, source_ts, loaded_at"
                        + " FROM warehouse.dim_customer";
        Map<Integer, DimRow> rows = new TreeMap<>();
        try (Statement st = warehouse.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            int extra = 2 + ATTRIBUTES.size();
            while (rs.next()) {
                rows.put(
                        rs.getInt(1),
                        new DimRow(
                                rs.getInt(1),
                                Values.read(rs, 2),
                                rs.getBoolean(extra),
                                instant(rs.getTimestamp(extra + 1)),
                                rs.getLong(extra + 2),
                                instant(rs.getTimestamp(extra + 3)),
                                instant(rs.getTimestamp(extra + 4))));
            }
        }
        return rows;
    }

    /**
     * What differs between the dimension and the source join: every live customer must have a row
     * equal to its join, not flagged deleted; every deleted customer a row flagged deleted with a
     * deletion time; and there must be no other rows. Empty when they agree.
     */
    static List<String> differences(
            Map<Integer, Values> joined,
            Map<Integer, DimRow> dimension,
            Iterable<Integer> deleted) {
        List<String> problems = new ArrayList<>();
        TreeSet<Integer> expectedIds = new TreeSet<>(joined.keySet());
        for (int id : deleted) {
            expectedIds.add(id);
            DimRow row = dimension.get(id);
            if (joined.containsKey(id)) {
                problems.add("customer " + id + " was deleted but is still in the source");
            } else if (row == null) {
                problems.add("deleted customer " + id + " is missing from the dimension");
            } else if (!row.deleted() || row.deletedAt() == null) {
                problems.add(
                        "deleted customer "
                                + id
                                + " is not flagged: is_deleted="
                                + row.deleted()
                                + ", deleted_at="
                                + row.deletedAt());
            }
        }
        joined.forEach(
                (id, expected) -> {
                    DimRow row = dimension.get(id);
                    if (row == null) {
                        problems.add("customer " + id + " is missing; expected " + expected);
                    } else if (row.deleted() || row.deletedAt() != null) {
                        problems.add("live customer " + id + " is flagged deleted");
                    } else if (!row.values().equals(expected)) {
                        problems.add(
                                "customer "
                                        + id
                                        + ":\n   source join: "
                                        + expected
                                        + "\n   dimension:   "
                                        + row.values());
                    }
                });
        for (int id : dimension.keySet()) {
            if (!expectedIds.contains(id)) {
                problems.add("customer " + id + " is in the dimension but not in the source");
            }
        }
        return problems;
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    /**
     * Text that is the same for equal values of the column types both sides use. Temporal values
     * become wall-clock date-times (the dimension stores {@code create_date} without zone).
     */
    static String normalize(Object value) {
        if (value == null) {
            return NULL;
        }
        if (value instanceof Boolean b) {
            return b.toString();
        }
        if (value instanceof BigDecimal d) {
            return d.toBigIntegerExact().toString();
        }
        if (value instanceof Number n) {
            return Long.toString(n.longValue());
        }
        if (value instanceof Timestamp t) {
            return t.toLocalDateTime().toString();
        }
        if (value instanceof java.sql.Date d) {
            return d.toLocalDate().atStartOfDay().toString();
        }
        if (value instanceof LocalDate d) {
            return d.atStartOfDay().toString();
        }
        if (value instanceof LocalDateTime t) {
            return t.toString();
        }
        return Objects.toString(value);
    }
}
