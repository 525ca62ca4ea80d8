package io.streamwarehouse.reconcile;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.customer.CustomerDimension;
import io.streamwarehouse.customer.CustomerOptions;
import io.streamwarehouse.customer.EmailPolicy;
import io.streamwarehouse.customer.source.SourceConnection;
import io.streamwarehouse.customer.source.SourceDialect;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.types.Row;

/**
 * Customers as the dimension holds them, read two ways: from {@code warehouse.dim_customer}, and
 * computed by the source database itself with a plain join of customer, address, city and country
 * (the e-mail policy applied as the job applies it). Both become rows of the job's Java types, so
 * they compare value by value and a source row can be written through the job's own writer.
 */
final class CustomerRows {

    /** The dimension's columns that come from the source, in the order the join selects them. */
    static final List<String> SOURCE_COLUMNS =
            CustomerDimension.COLUMNS.subList(
                    CustomerDimension.COLUMNS.indexOf("store_id"),
                    CustomerDimension.COLUMNS.indexOf("country") + 1);

    private CustomerRows() {}

    /** The source join by customer id: every customer the source holds now. */
    static Map<Integer, Row> fromSource(PipelineConfig config) throws SQLException {
        SourceDialect dialect = SourceConnection.dialect(config);
        String prefix =
                dialect == SourceDialect.POSTGRES
                        ? '"'
                                + config.get(CustomerOptions.SOURCE_SCHEMA).replace("\"", "\"\"")
                                + "\"."
                        : "";
        // pagila keeps the flag in activebool; its integer "active" is legacy
        String active = dialect == SourceDialect.MYSQL ? "c.active" : "c.activebool";
        String sql =
                "SELECT c.customer_id, c.store_id, c.first_name, c.last_name, c.email, "
                        + active
                        + ", c.create_date, c.address_id, a.address, a.address2, a.district,"
                        + " a.postal_code, a.phone, a.city_id, ci.city, ci.country_id, co.country"
                        + " FROM "
                        + prefix
                        + "customer c LEFT JOIN "
                        + prefix
                        + "address a ON a.address_id = c.address_id LEFT JOIN "
                        + prefix
                        + "city ci ON ci.city_id = a.city_id LEFT JOIN "
                        + prefix
                        + "country co ON co.country_id = ci.country_id";
        EmailPolicy email =
                EmailPolicy.of(
                        config.get(CustomerOptions.CUSTOMER_EMAIL_MODE),
                        config.get(CustomerOptions.CUSTOMER_EMAIL_HASH_KEY));
        Map<Integer, Row> rows = new TreeMap<>();
        try (Connection c = SourceConnection.open(config);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                Row row = Row.withNames();
                row.setField("customer_id", rs.getInt(1));
                for (int i = 0; i < SOURCE_COLUMNS.size(); i++) {
                    String column = SOURCE_COLUMNS.get(i);
                    row.setField(column, canonical(column, rs.getObject(i + 2)));
                }
                row.setField("email", email.apply((String) row.getField("email")));
                rows.put(rs.getInt(1), row);
            }
        }
        return rows;
    }

    /** {@code warehouse.dim_customer} by customer id, every column. */
    static Map<Integer, Row> fromWarehouse(Connection warehouse) throws SQLException {
        String sql =
                "SELECT "
                        + String.join(", ", CustomerDimension.COLUMNS)
                        + " FROM warehouse.dim_customer";
        Map<Integer, Row> rows = new TreeMap<>();
        try (Statement st = warehouse.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                Row row = Row.withNames();
                for (String column : CustomerDimension.COLUMNS) {
                    Object value = rs.getObject(column);
                    if (value instanceof Timestamp t && !column.equals("create_date")) {
                        row.setField(column, t.toInstant());
                    } else {
                        row.setField(column, canonical(column, value));
                    }
                }
                row.setField("source_version", rs.getLong("source_version"));
                rows.put(rs.getInt("customer_id"), row);
            }
        }
        return rows;
    }

    /** Each dimension row's snapshot epoch, by customer id. */
    static Map<Integer, Long> snapshotEpochs(Connection warehouse) throws SQLException {
        Map<Integer, Long> epochs = new TreeMap<>();
        try (Statement st = warehouse.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT customer_id, snapshot_epoch FROM warehouse.dim_customer")) {
            while (rs.next()) {
                epochs.put(rs.getInt(1), rs.getLong(2));
            }
        }
        return epochs;
    }

    /**
     * One Java type per column whatever the database: integers as Integer, flags as Boolean (a
     * MySQL TINYINT(1) or a PostgreSQL BOOLEAN), dates and date-times as a wall-clock LocalDateTime
     * (MySQL DATETIME, PostgreSQL DATE and the dimension's TIMESTAMP).
     */
    static Object canonical(String column, Object value) {
        if (value == null) {
            return null;
        }
        if (column.equals("active") && value instanceof Number n) {
            return n.intValue() != 0;
        }
        if (value instanceof BigDecimal d) {
            return d.intValueExact();
        }
        if (value instanceof Long || value instanceof Short || value instanceof Byte) {
            return ((Number) value).intValue();
        }
        if (value instanceof Timestamp t) {
            return t.toLocalDateTime();
        }
        if (value instanceof java.sql.Date d) {
            return d.toLocalDate().atStartOfDay();
        }
        if (value instanceof LocalDate d) {
            return d.atStartOfDay();
        }
        if (value instanceof LocalDateTime
                || value instanceof Integer
                || value instanceof Boolean) {
            return value;
        }
        return value.toString();
    }
}
