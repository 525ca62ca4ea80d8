package io.streamwarehouse.local.customer;

import io.streamwarehouse.customer.source.SourceDialect;
import io.streamwarehouse.samples.customer.ChangeSimulator;
import io.streamwarehouse.samples.customer.ChangeSimulator.Kind;
import io.streamwarehouse.samples.customer.ChangeSimulator.SimulatedChange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Changes applied to the source, one row change per statement, with the record of what was applied
 * that the assertions need: how many row changes of each table and operation the change log must
 * carry, and which customers were deleted.
 */
final class SourceChanges implements AutoCloseable {

    private final SourceDialect dialect;
    private final SakilaSource source;
    private Connection connection;
    private final ChangeSimulator simulator;
    private final List<String> log = new ArrayList<>();
    private final Map<String, Long> rowChanges = new TreeMap<>();
    private final List<Integer> deleted = new ArrayList<>();
    private final Set<Integer> touched = new TreeSet<>();

    private SourceChanges(SakilaSource source, Connection connection, ChangeSimulator simulator) {
        this.dialect = source.dialect;
        this.source = source;
        this.connection = connection;
        this.simulator = simulator;
    }

    static SourceChanges on(SakilaSource source, long seed) throws SQLException {
        Connection connection = source.openAdmin();
        return new SourceChanges(
                source, connection, ChangeSimulator.fromDatabase(connection, source.dialect, seed));
    }

    /** A new connection to the source, after the server was restarted under the old one. */
    void reconnect() throws SQLException {
        try {
            connection.close();
        } catch (SQLException alreadyBroken) {
            // the server that held it went away
        }
        connection = source.openAdmin();
    }

    /** Plans a change of {@code kind} without applying it (see {@link #apply}). */
    SimulatedChange plan(Kind kind) {
        return simulator.next(kind);
    }

    /** Plans a change by the simulator's default mix of kinds. */
    SimulatedChange planAny() {
        return simulator.next();
    }

    SimulatedChange apply(SimulatedChange change) throws SQLException {
        SimulatedChange applied = simulator.apply(connection, change);
        String op =
                switch (applied.kind()) {
                    case INSERT_CUSTOMER -> "c";
                    case DELETE_CUSTOMER -> "d";
                    default -> "u";
                };
        count(applied.table(), op);
        touched.addAll(applied.affectedCustomers());
        touched.add(applied.key());
        if (applied.kind() == Kind.DELETE_CUSTOMER) {
            deleted.add(applied.key());
        }
        log.add(applied.description());
        return applied;
    }

    SimulatedChange apply(Kind kind) throws SQLException {
        return apply(plan(kind));
    }

    /** Applies {@code count} changes of the simulator's default mix. */
    void applyAny(int count) throws SQLException {
        for (int i = 0; i < count; i++) {
            apply(planAny());
        }
    }

    /**
     * Moves only {@code last_update} of a customer: a real row change in the source's log that
     * alters nothing the dimension shows. MySQL logs no event for an UPDATE that changes nothing
     * and keeps whole seconds, so the value moves strictly forward.
     */
    void touchLastUpdate(int customerId) throws SQLException {
        String sql =
                dialect == SourceDialect.MYSQL
                        ? "UPDATE customer SET last_update = GREATEST(COALESCE(last_update,"
                                + " CURRENT_TIMESTAMP), CURRENT_TIMESTAMP) + INTERVAL 1 SECOND"
                                + " WHERE customer_id = ?"
                        // the table's trigger moves last_update on every update
                        : "UPDATE customer SET last_update = now() WHERE customer_id = ?";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setInt(1, customerId);
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("customer " + customerId + " does not exist");
            }
        }
        if (!connection.getAutoCommit()) {
            connection.commit();
        }
        count("customer", "u");
        log.add("touch last_update of customer " + customerId);
    }

    /** Sets a customer's first name to exactly {@code name}, whatever bytes it holds. */
    void setFirstName(int customerId, String name) throws SQLException {
        if (update("UPDATE customer SET first_name = ? WHERE customer_id = ?", name, customerId)
                != 1) {
            throw new IllegalStateException("customer " + customerId + " does not exist");
        }
        commitIfNeeded();
        touched.add(customerId);
        count("customer", "u");
        log.add("first name of customer " + customerId + " set to " + name.replace("\0", "\\0"));
    }

    /**
     * Renames the country of {@code customerId}'s city: the third join, and a change that reaches
     * every customer of that country.
     *
     * @return the new name
     */
    String renameCountryOf(int customerId) throws SQLException {
        int country =
                queryInts(
                                "SELECT ci.country_id FROM customer c"
                                        + " JOIN address a ON a.address_id = c.address_id"
                                        + " JOIN city ci ON ci.city_id = a.city_id"
                                        + " WHERE c.customer_id = ?",
                                customerId)
                        .get(0);
        touched.addAll(
                queryInts(
                        "SELECT c.customer_id FROM customer c"
                                + " JOIN address a ON a.address_id = c.address_id"
                                + " JOIN city ci ON ci.city_id = a.city_id"
                                + " WHERE ci.country_id = ?",
                        country));
        String name = "Republic of " + country;
        update("UPDATE country SET country = ? WHERE country_id = ?", name, country);
        commitIfNeeded();
        count("country", "u");
        log.add("rename country " + country + " to " + name);
        return name;
    }

    /**
     * One source transaction with several row changes: the district of {@code customers}' first
     * address, then one statement that flips {@code active} of all of them (several rows in one
     * binlog event) and one that clears the e-mail of the last (a NULL value). Their positions in
     * the log differ only by event or row index inside the transaction.
     */
    void applyTransaction(List<Integer> customers) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            int address =
                    queryInts(
                                    "SELECT address_id FROM customer WHERE customer_id = ?",
                                    customers.get(0))
                            .get(0);
            touched.addAll(
                    queryInts("SELECT customer_id FROM customer WHERE address_id = ?", address));
            update(
                    "UPDATE address SET district = ? WHERE address_id = ?",
                    "District " + address,
                    address);
            String active = dialect == SourceDialect.MYSQL ? "active" : "activebool";
            String in = String.join(",", customers.stream().map(String::valueOf).toList());
            int flipped =
                    update(
                            "UPDATE customer SET "
                                    + active
                                    + " = NOT "
                                    + active
                                    + " WHERE customer_id IN ("
                                    + in
                                    + ")");
            if (flipped != customers.size()) {
                throw new IllegalStateException("not all of " + customers + " exist");
            }
            update(
                    "UPDATE customer SET email = NULL WHERE customer_id = ?",
                    customers.get(customers.size() - 1));
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
        touched.addAll(customers);
        count("address", "u");
        for (int i = 0; i <= customers.size(); i++) {
            count("customer", "u");
        }
        log.add("one transaction: district, active of " + customers + ", e-mail cleared");
    }

    /**
     * Two concurrent transactions on one dimension row, committed in the opposite order of their
     * changes: the first to start moves {@code customerId} to another address; the second changes
     * the phone of the address the customer is leaving, and commits first; the first commits last.
     * In change order the old address changed last; in commit order the customer has moved.
     *
     * @return the address the customer moved to
     */
    int moveWhileTheOldAddressChangesAndCommitsFirst(int customerId) throws SQLException {
        int oldAddress =
                queryInts("SELECT address_id FROM customer WHERE customer_id = ?", customerId)
                        .get(0);
        int newAddress =
                queryInts("SELECT min(address_id) FROM address WHERE address_id <> ?", oldAddress)
                        .get(0);
        try (Connection first = source.openAdmin();
                Connection second = source.openAdmin()) {
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            update(
                    first,
                    "UPDATE customer SET address_id = ? WHERE customer_id = ?",
                    newAddress,
                    customerId);
            update(
                    second,
                    "UPDATE address SET phone = ? WHERE address_id = ?",
                    String.valueOf(System.nanoTime() % 1_000_000_000_000L),
                    oldAddress);
            second.commit();
            first.commit();
        }
        count("customer", "u");
        count("address", "u");
        touched.add(customerId);
        log.add(
                "move customer "
                        + customerId
                        + " to address "
                        + newAddress
                        + ", committed after a change of its old address "
                        + oldAddress);
        return newAddress;
    }

    private int update(String sql, Object... params) throws SQLException {
        return update(connection, sql, params);
    }

    private static int update(Connection connection, String sql, Object... params)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
        }
    }

    private List<Integer> queryInts(String sql, Object param) throws SQLException {
        List<Integer> values = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setObject(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getInt(1));
                }
            }
        }
        if (values.isEmpty()) {
            throw new IllegalStateException("no rows for " + sql + " with " + param);
        }
        return values;
    }

    private void commitIfNeeded() throws SQLException {
        if (!connection.getAutoCommit()) {
            connection.commit();
        }
    }

    private void count(String table, String op) {
        rowChanges.merge(table + ":" + op, 1L, Long::sum);
    }

    /** Row changes applied so far by table and operation, e.g. {@code customer:u -> 12}. */
    Map<String, Long> rowChanges() {
        return new TreeMap<>(rowChanges);
    }

    long rowChangeCount() {
        return rowChanges.values().stream().mapToLong(Long::longValue).sum();
    }

    List<Integer> deletedCustomers() {
        return List.copyOf(deleted);
    }

    List<Integer> liveCustomers() {
        return simulator.liveCustomers();
    }

    /**
     * Whether an applied change may have altered this customer's dimension row: it was the changed
     * row, or lived at the changed address or in the renamed city.
     */
    boolean touched(int customerId) {
        return touched.contains(customerId);
    }

    /** What was applied, in order: printed with failures so they can be reproduced. */
    String describe() {
        return String.join("\n", log);
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
