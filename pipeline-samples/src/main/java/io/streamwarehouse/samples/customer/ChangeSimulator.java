package io.streamwarehouse.samples.customer;

import io.streamwarehouse.customer.source.SourceDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Applies realistic changes to the Sakila-shaped source tables, so the customer dimension has
 * something to follow ({@code ./pipeline simulate-changes --rate N}): new customers, name and
 * e-mail updates, deletes, moves to another address, no-op updates that only touch {@code
 * last_update}, changes of an address that several customers share, and city renames.
 *
 * <p>The choices come from a seeded random generator over a model of the current rows, so the same
 * seed on the same starting data gives the same sequence of statements. New customer ids are
 * assigned by the database (AUTO_INCREMENT / identity) so an id is never reused after a delete.
 */
public final class ChangeSimulator {

    /** The kinds of change, each one statement (one transaction) on the source. */
    public enum Kind {
        INSERT_CUSTOMER,
        UPDATE_NAME,
        UPDATE_EMAIL,
        DELETE_CUSTOMER,
        MOVE_ADDRESS,
        NO_OP_UPDATE,
        SHARED_ADDRESS_CHANGE,
        CITY_RENAME
    }

    /** One parameterised SQL statement. */
    public record SqlStatement(String sql, List<Object> params) {
        public SqlStatement {
            params = Collections.unmodifiableList(new ArrayList<>(params));
        }
    }

    /**
     * A planned or applied change.
     *
     * @param key the changed row's primary key (for an insert: 0 until the database assigned it)
     * @param affectedCustomers the customers whose dimension row this change alters (for a no-op:
     *     the customer touched, whose dimension row must not change)
     */
    public record SimulatedChange(
            Kind kind,
            String table,
            int key,
            List<Integer> affectedCustomers,
            String description,
            SqlStatement statement) {
        public SimulatedChange {
            affectedCustomers = List.copyOf(affectedCustomers);
        }
    }

    /** Waits between changes; tests substitute one that only records the waits. */
    public interface Pacer {
        void pauseNanos(long nanos);

        static Pacer parking() {
            return LockSupport::parkNanos;
        }
    }

    private static final Map<Kind, Integer> DEFAULT_WEIGHTS = defaultWeights();

    private final SourceDialect dialect;
    private final Random rnd;
    private final Map<Kind, Integer> weights;
    private Clock clock;
    private final TreeMap<Integer, CustomerRow> customers;
    private final TreeMap<Integer, Integer> addressCity;
    private final TreeMap<Integer, String> cityNames;

    private ChangeSimulator(
            SourceDialect dialect,
            long seed,
            Map<Kind, Integer> weights,
            Clock clock,
            TreeMap<Integer, CustomerRow> customers,
            TreeMap<Integer, Integer> addressCity,
            TreeMap<Integer, String> cityNames) {
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.rnd = new Random(seed);
        this.weights = new EnumMap<>(weights);
        this.clock = clock;
        this.customers = customers;
        this.addressCity = addressCity;
        this.cityNames = cityNames;
    }

    /** A simulator over the rows currently in the source database. */
    public static ChangeSimulator fromDatabase(
            Connection connection, SourceDialect dialect, long seed) throws SQLException {
        TreeMap<Integer, CustomerRow> customers = new TreeMap<>();
        TreeMap<Integer, Integer> addressCity = new TreeMap<>();
        TreeMap<Integer, String> cityNames = new TreeMap<>();
        try (Statement st = connection.createStatement()) {
            try (ResultSet rs =
                    st.executeQuery(
                            "SELECT customer_id, first_name, last_name, email, address_id"
                                    + " FROM customer")) {
                while (rs.next()) {
                    customers.put(
                            rs.getInt(1),
                            new CustomerRow(
                                    rs.getString(2),
                                    rs.getString(3),
                                    rs.getString(4),
                                    rs.getInt(5)));
                }
            }
            try (ResultSet rs =
                    st.executeQuery(
                            "SELECT address_id, city_id FROM address WHERE address_id >= "
                                    + SakilaSampleData.FIRST_CUSTOMER_ADDRESS)) {
                while (rs.next()) {
                    addressCity.put(rs.getInt(1), rs.getInt(2));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT city_id, city FROM city")) {
                while (rs.next()) {
                    cityNames.put(rs.getInt(1), rs.getString(2));
                }
            }
        }
        if (addressCity.isEmpty()) {
            throw new IllegalStateException(
                    "the source has no customer addresses; load the sample data first");
        }
        return new ChangeSimulator(
                dialect,
                seed,
                DEFAULT_WEIGHTS,
                Clock.systemUTC(),
                customers,
                addressCity,
                cityNames);
    }

    /** A simulator over freshly loaded sample data (no database round trip). */
    public static ChangeSimulator forSample(
            SakilaSampleData data, SourceDialect dialect, long seed) {
        TreeMap<Integer, CustomerRow> customers = new TreeMap<>();
        for (SakilaSampleData.Customer c : data.customers()) {
            customers.put(
                    c.customerId(),
                    new CustomerRow(c.firstName(), c.lastName(), c.email(), c.addressId()));
        }
        TreeMap<Integer, Integer> addressCity = new TreeMap<>();
        for (SakilaSampleData.Address a : data.addresses()) {
            if (a.addressId() >= SakilaSampleData.FIRST_CUSTOMER_ADDRESS) {
                addressCity.put(a.addressId(), a.cityId());
            }
        }
        TreeMap<Integer, String> cityNames = new TreeMap<>();
        for (SakilaSampleData.City c : data.cities()) {
            cityNames.put(c.cityId(), c.city());
        }
        return new ChangeSimulator(
                dialect,
                seed,
                DEFAULT_WEIGHTS,
                Clock.systemUTC(),
                customers,
                addressCity,
                cityNames);
    }

    /**
     * The relative frequency of each kind; kinds left out (or 0) never happen. This mutates and
     * returns this simulator.
     */
    public ChangeSimulator withWeights(Map<Kind, Integer> newWeights) {
        if (newWeights.values().stream().mapToInt(Integer::intValue).sum() <= 0) {
            throw new IllegalArgumentException("at least one kind needs a positive weight");
        }
        weights.clear();
        weights.putAll(newWeights);
        return this;
    }

    /** The clock for new customers' create_date. This mutates and returns this simulator. */
    public ChangeSimulator withClock(Clock newClock) {
        this.clock = Objects.requireNonNull(newClock, "clock");
        return this;
    }

    /** Customer ids the simulator believes exist, ascending. */
    public List<Integer> liveCustomers() {
        return List.copyOf(customers.keySet());
    }

    /** Addresses currently shared by two or more live customers, with their customers. */
    public Map<Integer, List<Integer>> sharedAddresses() {
        Map<Integer, List<Integer>> byAddress = new TreeMap<>();
        customers.forEach(
                (id, c) -> byAddress.computeIfAbsent(c.addressId, a -> new ArrayList<>()).add(id));
        byAddress.values().removeIf(ids -> ids.size() < 2);
        return byAddress;
    }

    /** Plans the next change by the weights and updates the model as if it was applied. */
    public SimulatedChange next() {
        int total = weights.values().stream().mapToInt(Integer::intValue).sum();
        int r = rnd.nextInt(total);
        for (Kind kind : Kind.values()) {
            int w = weights.getOrDefault(kind, 0);
            if (r < w) {
                return next(kind);
            }
            r -= w;
        }
        throw new IllegalStateException("unreachable");
    }

    /** Plans a change of the given kind (falling back to an insert if no customer is left). */
    public SimulatedChange next(Kind kind) {
        if (customers.isEmpty() && kind != Kind.INSERT_CUSTOMER && kind != Kind.CITY_RENAME) {
            return planInsert();
        }
        switch (kind) {
            case INSERT_CUSTOMER:
                return planInsert();
            case UPDATE_NAME:
                return planNameChange();
            case UPDATE_EMAIL:
                return planEmailChange();
            case DELETE_CUSTOMER:
                return planDelete();
            case MOVE_ADDRESS:
                return planMove(rnd.nextBoolean());
            case NO_OP_UPDATE:
                return planNoOp();
            case SHARED_ADDRESS_CHANGE:
                return planSharedAddressChange();
            default:
                return planCityRename();
        }
    }

    /**
     * Executes a change in its own transaction.
     *
     * @return the change as applied: for an insert, with the id the database assigned
     */
    public SimulatedChange apply(Connection connection, SimulatedChange change)
            throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            SimulatedChange applied = execute(connection, change);
            connection.commit();
            return applied;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /** Plans and applies {@code count} changes, returning them as applied. */
    public List<SimulatedChange> run(Connection connection, int count) throws SQLException {
        List<SimulatedChange> applied = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            applied.add(apply(connection, next()));
        }
        return applied;
    }

    /**
     * Applies changes at {@code changesPerSecond} until {@code keepGoing} turns false or {@code
     * maxChanges} were applied (0 = no limit). The schedule is fixed in advance (change i at start
     * + i / rate), so slow statements do not lower the long-run rate.
     *
     * @return how many changes were applied
     */
    public int runAtRate(
            Connection connection,
            double changesPerSecond,
            int maxChanges,
            BooleanSupplier keepGoing,
            Consumer<SimulatedChange> onApplied)
            throws SQLException {
        return runAtRate(
                connection,
                changesPerSecond,
                maxChanges,
                keepGoing,
                onApplied,
                System::nanoTime,
                Pacer.parking());
    }

    int runAtRate(
            Connection connection,
            double changesPerSecond,
            int maxChanges,
            BooleanSupplier keepGoing,
            Consumer<SimulatedChange> onApplied,
            LongSupplier nanoClock,
            Pacer pacer)
            throws SQLException {
        if (!(changesPerSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive, got " + changesPerSecond);
        }
        long interval = (long) (TimeUnit.SECONDS.toNanos(1) / changesPerSecond);
        long start = nanoClock.getAsLong();
        int applied = 0;
        while ((maxChanges <= 0 || applied < maxChanges) && keepGoing.getAsBoolean()) {
            long due = start + applied * interval;
            long wait = due - nanoClock.getAsLong();
            if (wait > 0) {
                pacer.pauseNanos(wait);
                continue;
            }
            onApplied.accept(apply(connection, next()));
            applied++;
        }
        return applied;
    }

    private SimulatedChange execute(Connection connection, SimulatedChange change)
            throws SQLException {
        SqlStatement s = change.statement();
        boolean insert = change.kind() == Kind.INSERT_CUSTOMER;
        try (PreparedStatement ps =
                insert
                        ? connection.prepareStatement(s.sql(), new String[] {"customer_id"})
                        : connection.prepareStatement(s.sql())) {
            for (int i = 0; i < s.params().size(); i++) {
                ps.setObject(i + 1, s.params().get(i));
            }
            int rows = ps.executeUpdate();
            if (rows == 0 && change.kind() != Kind.NO_OP_UPDATE) {
                throw new SQLException(
                        "simulated change touched no row (source changed behind the simulator): "
                                + change.description());
            }
            if (!insert) {
                return change;
            }
            try (ResultSet keys = ps.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new SQLException("the database returned no customer_id for the insert");
                }
                int id = keys.getInt(1);
                List<Object> p = s.params();
                customers.put(
                        id,
                        new CustomerRow(
                                (String) p.get(1),
                                (String) p.get(2),
                                (String) p.get(3),
                                (Integer) p.get(4)));
                return new SimulatedChange(
                        change.kind(),
                        change.table(),
                        id,
                        List.of(id),
                        change.description().replace("customer ?", "customer " + id),
                        s);
            }
        }
    }

    private SimulatedChange planInsert() {
        String first = SakilaSampleData.pick(rnd, SakilaNames.FIRST_NAMES);
        String last = SakilaSampleData.pick(rnd, SakilaNames.LAST_NAMES);
        String email = SakilaSampleData.email(first, last);
        int address = randomAddress();
        int store = 1 + rnd.nextInt(SakilaSampleData.STORES);
        LocalDateTime now = LocalDateTime.now(clock).truncatedTo(ChronoUnit.SECONDS);
        SqlStatement st =
                dialect == SourceDialect.MYSQL
                        ? new SqlStatement(
                                "INSERT INTO customer (store_id, first_name, last_name, email,"
                                        + " address_id, active, create_date)"
                                        + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                                List.of(store, first, last, email, address, true, now))
                        : new SqlStatement(
                                "INSERT INTO customer (store_id, first_name, last_name, email,"
                                        + " address_id, activebool, create_date, active)"
                                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                List.of(
                                        store,
                                        first,
                                        last,
                                        email,
                                        address,
                                        true,
                                        now.toLocalDate(),
                                        1));
        // The model learns the new customer when the database has assigned its id (apply).
        return new SimulatedChange(
                Kind.INSERT_CUSTOMER,
                "customer",
                0,
                List.of(),
                "insert customer ? " + first + " " + last + " at address " + address,
                st);
    }

    private SimulatedChange planNameChange() {
        int id = randomCustomer();
        CustomerRow c = customers.get(id);
        String first = c.firstName;
        String last = c.lastName;
        if (rnd.nextInt(10) < 7) {
            last = other(SakilaNames.LAST_NAMES, last);
        } else {
            first = other(SakilaNames.FIRST_NAMES, first);
        }
        String email = SakilaSampleData.email(first, last);
        customers.put(id, new CustomerRow(first, last, email, c.addressId));
        return new SimulatedChange(
                Kind.UPDATE_NAME,
                "customer",
                id,
                List.of(id),
                "rename customer " + id + " to " + first + " " + last,
                new SqlStatement(
                        "UPDATE customer SET first_name = ?, last_name = ?, email = ?"
                                + " WHERE customer_id = ?",
                        List.of(first, last, email, id)));
    }

    private SimulatedChange planEmailChange() {
        int id = randomCustomer();
        CustomerRow c = customers.get(id);
        String email;
        do {
            email =
                    c.firstName
                            + "."
                            + c.lastName
                            + (1 + rnd.nextInt(99))
                            + "@"
                            + SakilaSampleData.EMAIL_DOMAIN;
        } while (email.equals(c.email));
        customers.put(id, new CustomerRow(c.firstName, c.lastName, email, c.addressId));
        return new SimulatedChange(
                Kind.UPDATE_EMAIL,
                "customer",
                id,
                List.of(id),
                "change e-mail of customer " + id + " to " + email,
                new SqlStatement(
                        "UPDATE customer SET email = ? WHERE customer_id = ?", List.of(email, id)));
    }

    private SimulatedChange planDelete() {
        int id = randomCustomer();
        customers.remove(id);
        return new SimulatedChange(
                Kind.DELETE_CUSTOMER,
                "customer",
                id,
                List.of(id),
                "delete customer " + id,
                new SqlStatement("DELETE FROM customer WHERE customer_id = ?", List.of(id)));
    }

    private SimulatedChange planMove(boolean toOccupied) {
        int id = randomCustomer();
        CustomerRow c = customers.get(id);
        List<Integer> candidates = new ArrayList<>();
        Set<Integer> occupied = new HashSet<>();
        customers.values().forEach(r -> occupied.add(r.addressId));
        for (int address : addressCity.keySet()) {
            if (address != c.addressId && occupied.contains(address) == toOccupied) {
                candidates.add(address);
            }
        }
        if (candidates.isEmpty()) {
            for (int address : addressCity.keySet()) {
                if (address != c.addressId) {
                    candidates.add(address);
                }
            }
        }
        int target = candidates.isEmpty() ? c.addressId : SakilaSampleData.pick(rnd, candidates);
        customers.put(id, new CustomerRow(c.firstName, c.lastName, c.email, target));
        return new SimulatedChange(
                Kind.MOVE_ADDRESS,
                "customer",
                id,
                List.of(id),
                "move customer " + id + " from address " + c.addressId + " to " + target,
                new SqlStatement(
                        "UPDATE customer SET address_id = ? WHERE customer_id = ?",
                        List.of(target, id)));
    }

    private SimulatedChange planNoOp() {
        int id = randomCustomer();
        // MySQL writes no binlog event for an UPDATE that changes nothing, and last_update has
        // second precision: so move it strictly forward. PostgreSQL's trigger sets it on any
        // update.
        String sql =
                dialect == SourceDialect.MYSQL
                        ? "UPDATE customer SET last_update = GREATEST(COALESCE(last_update,"
                                + " CURRENT_TIMESTAMP), CURRENT_TIMESTAMP) + INTERVAL 1 SECOND"
                                + " WHERE customer_id = ?"
                        : "UPDATE customer SET last_update = now() WHERE customer_id = ?";
        return new SimulatedChange(
                Kind.NO_OP_UPDATE,
                "customer",
                id,
                List.of(id),
                "touch last_update of customer " + id + " (no-op for the dimension)",
                new SqlStatement(sql, List.of(id)));
    }

    private SimulatedChange planSharedAddressChange() {
        Map<Integer, List<Integer>> shared = sharedAddresses();
        if (shared.isEmpty()) {
            return planMove(true);
        }
        List<Integer> addresses = new ArrayList<>(shared.keySet());
        int address = SakilaSampleData.pick(rnd, addresses);
        String street = SakilaSampleData.streetAddress(rnd);
        String phone = SakilaSampleData.phone(rnd);
        return new SimulatedChange(
                Kind.SHARED_ADDRESS_CHANGE,
                "address",
                address,
                shared.get(address),
                "change address "
                        + address
                        + " shared by customers "
                        + shared.get(address)
                        + " to "
                        + street,
                new SqlStatement(
                        "UPDATE address SET address = ?, phone = ? WHERE address_id = ?",
                        List.of(street, phone, address)));
    }

    private SimulatedChange planCityRename() {
        List<Integer> candidates = new ArrayList<>();
        Set<Integer> cityOfCustomers = new HashSet<>();
        customers.values().forEach(c -> cityOfCustomers.add(addressCity.get(c.addressId)));
        for (int city : cityNames.keySet()) {
            if (cityOfCustomers.contains(city)) {
                candidates.add(city);
            }
        }
        if (candidates.isEmpty()) {
            candidates.addAll(cityNames.keySet());
        }
        int city = SakilaSampleData.pick(rnd, candidates);
        Set<String> taken = new HashSet<>(cityNames.values());
        String name;
        do {
            name =
                    SakilaSampleData.pick(rnd, SakilaNames.CITY_STARTS)
                            + SakilaSampleData.pick(rnd, SakilaNames.CITY_MIDDLES)
                            + SakilaSampleData.pick(rnd, SakilaNames.CITY_ENDS);
        } while (taken.contains(name));
        cityNames.put(city, name);
        List<Integer> affected = new ArrayList<>();
        customers.forEach(
                (id, c) -> {
                    if (Objects.equals(addressCity.get(c.addressId), city)) {
                        affected.add(id);
                    }
                });
        return new SimulatedChange(
                Kind.CITY_RENAME,
                "city",
                city,
                affected,
                "rename city " + city + " to " + name,
                new SqlStatement(
                        "UPDATE city SET city = ? WHERE city_id = ?", List.of(name, city)));
    }

    private int randomCustomer() {
        List<Integer> ids = new ArrayList<>(customers.keySet());
        return SakilaSampleData.pick(rnd, ids);
    }

    private int randomAddress() {
        List<Integer> ids = new ArrayList<>(addressCity.keySet());
        return SakilaSampleData.pick(rnd, ids);
    }

    private String other(List<String> names, String current) {
        String v;
        do {
            v = SakilaSampleData.pick(rnd, names);
        } while (v.equals(current));
        return v;
    }

    private static Map<Kind, Integer> defaultWeights() {
        Map<Kind, Integer> w = new EnumMap<>(Kind.class);
        w.put(Kind.INSERT_CUSTOMER, 12);
        w.put(Kind.UPDATE_NAME, 18);
        w.put(Kind.UPDATE_EMAIL, 14);
        w.put(Kind.DELETE_CUSTOMER, 8);
        w.put(Kind.MOVE_ADDRESS, 14);
        w.put(Kind.NO_OP_UPDATE, 14);
        w.put(Kind.SHARED_ADDRESS_CHANGE, 14);
        w.put(Kind.CITY_RENAME, 6);
        return Collections.unmodifiableMap(w);
    }

    private static final class CustomerRow {
        final String firstName;
        final String lastName;
        final String email;
        final int addressId;

        CustomerRow(String firstName, String lastName, String email, int addressId) {
            this.firstName = firstName;
            this.lastName = lastName;
            this.email = email;
            this.addressId = addressId;
        }
    }
}
