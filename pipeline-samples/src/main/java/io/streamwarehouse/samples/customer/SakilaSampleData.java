package io.streamwarehouse.samples.customer;

import io.streamwarehouse.customer.source.SourceDialect;
import io.streamwarehouse.customer.source.SourceSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Sakila-shaped sample data for the customer dimension's source tables, generated from a seed (the
 * same seed always gives the same rows, on any JVM): 2 stores, 100 countries, 600 cities, 603
 * addresses and 599 customers, like the original's counts. Names, e-mails ({@code
 * FIRST.LAST@sakilacustomer.org}), districts, postal codes and phone numbers look like Sakila's but
 * are generated; none of the original data is copied.
 *
 * <p>As in Sakila, addresses 1 and 2 belong to the stores (and 3, 4 to their staff). Unlike Sakila,
 * some customers share an address (12 addresses with 2 or 3 customers each), so an address change
 * that must update several dimension rows can be tested; the addresses they left are unused and
 * available to address moves.
 */
public final class SakilaSampleData {

    public static final int STORES = 2;
    public static final int COUNTRIES = 100;
    public static final int CITIES = 600;
    public static final int ADDRESSES = 603;
    public static final int CUSTOMERS = 599;
    public static final String EMAIL_DOMAIN = "sakilacustomer.org";

    /** Addresses below this id belong to stores and staff; customers live at the others. */
    static final int FIRST_CUSTOMER_ADDRESS = 5;

    private static final int SHARED_ADDRESS_GROUPS = 12;
    private static final int BATCH_SIZE = 200;

    public record Country(int countryId, String country) {}

    public record City(int cityId, String city, int countryId) {}

    public record Address(
            int addressId,
            String address,
            String address2,
            String district,
            int cityId,
            String postalCode,
            String phone) {}

    public record Store(int storeId, int managerStaffId, int addressId) {}

    public record Customer(
            int customerId,
            int storeId,
            String firstName,
            String lastName,
            String email,
            int addressId,
            boolean active,
            LocalDateTime createDate) {}

    private final long seed;
    private final List<Country> countries;
    private final List<City> cities;
    private final List<Address> addresses;
    private final List<Store> stores;
    private final List<Customer> customers;

    private SakilaSampleData(
            long seed,
            List<Country> countries,
            List<City> cities,
            List<Address> addresses,
            List<Store> stores,
            List<Customer> customers) {
        this.seed = seed;
        this.countries = List.copyOf(countries);
        this.cities = List.copyOf(cities);
        this.addresses = List.copyOf(addresses);
        this.stores = List.copyOf(stores);
        this.customers = List.copyOf(customers);
    }

    /** Generates the sample for {@code seed}. */
    public static SakilaSampleData generate(long seed) {
        Random rnd = new Random(seed);

        List<String> countryNames = new ArrayList<>(SakilaNames.COUNTRIES);
        Collections.shuffle(countryNames, rnd);
        List<String> chosen = new ArrayList<>(countryNames.subList(0, COUNTRIES));
        Collections.sort(chosen);
        List<Country> countries = new ArrayList<>();
        for (int i = 0; i < chosen.size(); i++) {
            countries.add(new Country(i + 1, chosen.get(i)));
        }

        Set<String> cityNames = new TreeSet<>();
        while (cityNames.size() < CITIES) {
            cityNames.add(cityName(rnd));
        }
        List<String> sortedCities = new ArrayList<>(cityNames);
        List<Integer> cityCountry = new ArrayList<>();
        for (int i = 0; i < CITIES; i++) {
            // Every country gets a city; the rest lean towards the first countries in draw order,
            // so a few countries have many cities, as in the original.
            cityCountry.add(
                    i < COUNTRIES ? i + 1 : 1 + (int) (COUNTRIES * Math.pow(rnd.nextDouble(), 2)));
        }
        Collections.shuffle(cityCountry, rnd);
        List<City> cities = new ArrayList<>();
        for (int i = 0; i < CITIES; i++) {
            cities.add(new City(i + 1, sortedCities.get(i), cityCountry.get(i)));
        }

        List<Integer> cityOrder = new ArrayList<>();
        for (int i = 1; i <= CITIES; i++) {
            cityOrder.add(i);
        }
        Collections.shuffle(cityOrder, rnd);
        List<Address> addresses = new ArrayList<>();
        Set<String> streets = new HashSet<>();
        for (int id = 1; id <= ADDRESSES; id++) {
            String street;
            do {
                street = streetAddress(rnd);
            } while (!streets.add(street));
            boolean storeOrStaff = id < FIRST_CUSTOMER_ADDRESS;
            String address2 =
                    storeOrStaff
                            ? null
                            : rnd.nextInt(40) == 0 ? "Suite " + (100 + rnd.nextInt(900)) : "";
            String postal =
                    storeOrStaff || rnd.nextInt(60) == 0
                            ? ""
                            : String.format("%05d", rnd.nextInt(100_000));
            String phone = storeOrStaff ? "" : phone(rnd);
            addresses.add(
                    new Address(
                            id,
                            street,
                            address2,
                            pick(rnd, SakilaNames.DISTRICTS),
                            cityOrder.get((id - 1) % CITIES),
                            postal,
                            phone));
        }

        List<Store> stores = List.of(new Store(1, 1, 1), new Store(2, 2, 2));

        int[] addressOf = new int[CUSTOMERS + 1];
        for (int id = 1; id <= CUSTOMERS; id++) {
            addressOf[id] = id + FIRST_CUSTOMER_ADDRESS - 1;
        }
        List<Integer> ids = new ArrayList<>();
        for (int id = 1; id <= CUSTOMERS; id++) {
            ids.add(id);
        }
        Collections.shuffle(ids, rnd);
        int next = 0;
        for (int g = 0; g < SHARED_ADDRESS_GROUPS; g++) {
            int size = g % 3 == 0 ? 3 : 2;
            int home = addressOf[ids.get(next)];
            for (int k = 1; k < size; k++) {
                addressOf[ids.get(next + k)] = home;
            }
            next += size;
        }

        Set<String> fullNames = new HashSet<>();
        List<Customer> customers = new ArrayList<>();
        LocalDateTime firstDay = LocalDateTime.of(2005, 5, 1, 0, 0);
        long span =
                java.time.Duration.between(firstDay, LocalDateTime.of(2006, 2, 15, 0, 0))
                        .getSeconds();
        for (int id = 1; id <= CUSTOMERS; id++) {
            String first;
            String last;
            do {
                first = pick(rnd, SakilaNames.FIRST_NAMES);
                last = pick(rnd, SakilaNames.LAST_NAMES);
            } while (!fullNames.add(first + " " + last));
            customers.add(
                    new Customer(
                            id,
                            rnd.nextInt(100) < 55 ? 1 : 2,
                            first,
                            last,
                            email(first, last),
                            addressOf[id],
                            rnd.nextInt(40) != 0,
                            firstDay.plusSeconds((long) (rnd.nextDouble() * span))));
        }
        return new SakilaSampleData(seed, countries, cities, addresses, stores, customers);
    }

    /** Sakila's e-mail form, {@code FIRST.LAST@sakilacustomer.org}. */
    public static String email(String firstName, String lastName) {
        return firstName + "." + lastName + "@" + EMAIL_DOMAIN;
    }

    public long seed() {
        return seed;
    }

    public List<Country> countries() {
        return countries;
    }

    public List<City> cities() {
        return cities;
    }

    public List<Address> addresses() {
        return addresses;
    }

    public List<Store> stores() {
        return stores;
    }

    public List<Customer> customers() {
        return customers;
    }

    /** Customer ids by address id, for addresses that at least one customer lives at. */
    public Map<Integer, List<Integer>> customersByAddress() {
        Map<Integer, List<Integer>> byAddress = new TreeMap<>();
        for (Customer c : customers) {
            byAddress.computeIfAbsent(c.addressId(), a -> new ArrayList<>()).add(c.customerId());
        }
        return byAddress;
    }

    /** Addresses shared by two or more customers, with their customers. */
    public Map<Integer, List<Integer>> sharedAddresses() {
        Map<Integer, List<Integer>> shared = new LinkedHashMap<>();
        customersByAddress()
                .forEach(
                        (address, ids) -> {
                            if (ids.size() > 1) {
                                shared.put(address, ids);
                            }
                        });
        return shared;
    }

    /**
     * Loads the sample if the source tables are empty.
     *
     * @return whether it loaded (false: {@code country} already had rows, nothing was written)
     */
    public boolean loadIfEmpty(Connection connection, SourceDialect dialect) throws SQLException {
        if (!SourceSchema.queryString(connection, "SELECT COUNT(*) FROM country").equals("0")) {
            return false;
        }
        loadInto(connection, dialect);
        return true;
    }

    /**
     * Inserts every row in one transaction with batched inserts, parents first. The tables must
     * exist ({@link SourceSchema#createTables}) and be empty.
     */
    public void loadInto(Connection connection, SourceDialect dialect) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            insertAll(connection, dialect);
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private void insertAll(Connection c, SourceDialect dialect) throws SQLException {
        insertBatched(
                c,
                "INSERT INTO country (country_id, country) VALUES (?, ?)",
                countries,
                (ps, r) -> {
                    ps.setInt(1, r.countryId());
                    ps.setString(2, r.country());
                });
        insertBatched(
                c,
                "INSERT INTO city (city_id, city, country_id) VALUES (?, ?, ?)",
                cities,
                (ps, r) -> {
                    ps.setInt(1, r.cityId());
                    ps.setString(2, r.city());
                    ps.setInt(3, r.countryId());
                });
        insertBatched(
                c,
                "INSERT INTO address (address_id, address, address2, district, city_id,"
                        + " postal_code, phone) VALUES (?, ?, ?, ?, ?, ?, ?)",
                addresses,
                (ps, r) -> {
                    ps.setInt(1, r.addressId());
                    ps.setString(2, r.address());
                    setNullableString(ps, 3, r.address2());
                    ps.setString(4, r.district());
                    ps.setInt(5, r.cityId());
                    setNullableString(ps, 6, r.postalCode());
                    ps.setString(7, r.phone());
                });
        insertBatched(
                c,
                "INSERT INTO store (store_id, manager_staff_id, address_id) VALUES (?, ?, ?)",
                stores,
                (ps, r) -> {
                    ps.setInt(1, r.storeId());
                    ps.setInt(2, r.managerStaffId());
                    ps.setInt(3, r.addressId());
                });
        insertBatched(
                c, customerInsert(dialect), customers, (ps, r) -> bindCustomer(ps, dialect, r));
        if (dialect == SourceDialect.POSTGRES) {
            // Explicit ids do not advance identity sequences; without this the next plain INSERT
            // (an application's, or a person's in psql) would collide with id 1.
            try (Statement st = c.createStatement()) {
                for (String table : List.of("country", "city", "address", "store", "customer")) {
                    st.execute(
                            "SELECT setval(pg_get_serial_sequence('"
                                    + table
                                    + "', '"
                                    + table
                                    + "_id'), (SELECT MAX("
                                    + table
                                    + "_id) FROM "
                                    + table
                                    + "))");
                }
            }
        }
    }

    /** The INSERT of one customer row in the dialect's column layout. */
    static String customerInsert(SourceDialect dialect) {
        return dialect == SourceDialect.MYSQL
                ? "INSERT INTO customer (customer_id, store_id, first_name, last_name, email,"
                        + " address_id, active, create_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                : "INSERT INTO customer (customer_id, store_id, first_name, last_name, email,"
                        + " address_id, activebool, create_date, active)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    }

    /** Binds a customer to {@link #customerInsert}: PostgreSQL stores a DATE and both flags. */
    static void bindCustomer(PreparedStatement ps, SourceDialect dialect, Customer r)
            throws SQLException {
        ps.setInt(1, r.customerId());
        ps.setInt(2, r.storeId());
        ps.setString(3, r.firstName());
        ps.setString(4, r.lastName());
        setNullableString(ps, 5, r.email());
        ps.setInt(6, r.addressId());
        ps.setBoolean(7, r.active());
        if (dialect == SourceDialect.MYSQL) {
            ps.setObject(8, r.createDate());
        } else {
            ps.setObject(8, r.createDate().toLocalDate());
            ps.setInt(9, r.active() ? 1 : 0);
        }
    }

    /** Binds one row to an INSERT's parameters. */
    private interface Binder<R> {
        void bind(PreparedStatement ps, R row) throws SQLException;
    }

    /** Inserts the rows in JDBC batches of {@link #BATCH_SIZE}. */
    private static <R> void insertBatched(
            Connection c, String sql, List<R> rows, Binder<? super R> binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int pending = 0;
            for (R row : rows) {
                binder.bind(ps, row);
                ps.addBatch();
                if (++pending == BATCH_SIZE) {
                    ps.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                ps.executeBatch();
            }
        }
    }

    private static void setNullableString(PreparedStatement ps, int index, String value)
            throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, value);
        }
    }

    static String streetAddress(Random rnd) {
        return (1 + rnd.nextInt(1999))
                + " "
                + pick(rnd, SakilaNames.STREET_WORDS)
                + " "
                + pick(rnd, SakilaNames.STREET_SUFFIXES);
    }

    static String phone(Random rnd) {
        int digits = 9 + rnd.nextInt(4);
        StringBuilder sb = new StringBuilder();
        sb.append(1 + rnd.nextInt(9));
        for (int i = 1; i < digits; i++) {
            sb.append(rnd.nextInt(10));
        }
        return sb.toString();
    }

    private static String cityName(Random rnd) {
        return pick(rnd, SakilaNames.CITY_STARTS)
                + pick(rnd, SakilaNames.CITY_MIDDLES)
                + pick(rnd, SakilaNames.CITY_ENDS);
    }

    static <T> T pick(Random rnd, List<T> list) {
        return list.get(rnd.nextInt(list.size()));
    }
}
