package io.streamwarehouse.samples.customer;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwarehouse.customer.source.FakeJdbc;
import io.streamwarehouse.customer.source.SourceDialect;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SakilaSampleDataTest {

    private final SakilaSampleData data = SakilaSampleData.generate(42);

    @Test
    void sameSeedGivesTheSameRowsAndAnotherSeedOthers() {
        SakilaSampleData again = SakilaSampleData.generate(42);
        assertThat(again.customers()).isEqualTo(data.customers());
        assertThat(again.addresses()).isEqualTo(data.addresses());
        assertThat(again.cities()).isEqualTo(data.cities());
        assertThat(SakilaSampleData.generate(43).customers()).isNotEqualTo(data.customers());
    }

    @Test
    void hasSakilasRowCounts() {
        assertThat(data.stores()).hasSize(2);
        assertThat(data.countries()).hasSize(100);
        assertThat(data.cities()).hasSize(600);
        assertThat(data.addresses()).hasSize(603);
        assertThat(data.customers()).hasSize(599);
    }

    @Test
    void everyForeignKeyPointsAtAnExistingRow() {
        Set<Integer> countries =
                data.countries().stream()
                        .map(SakilaSampleData.Country::countryId)
                        .collect(Collectors.toSet());
        Set<Integer> cities =
                data.cities().stream()
                        .map(SakilaSampleData.City::cityId)
                        .collect(Collectors.toSet());
        Set<Integer> addresses =
                data.addresses().stream()
                        .map(SakilaSampleData.Address::addressId)
                        .collect(Collectors.toSet());
        Set<Integer> stores =
                data.stores().stream()
                        .map(SakilaSampleData.Store::storeId)
                        .collect(Collectors.toSet());
        assertThat(data.cities()).allMatch(c -> countries.contains(c.countryId()));
        assertThat(data.addresses()).allMatch(a -> cities.contains(a.cityId()));
        assertThat(data.stores()).allMatch(s -> addresses.contains(s.addressId()));
        assertThat(data.customers())
                .allMatch(c -> addresses.contains(c.addressId()) && stores.contains(c.storeId()));
        // Every country has a city, as in Sakila, so a country join never comes up empty by design.
        assertThat(
                        data.cities().stream()
                                .map(SakilaSampleData.City::countryId)
                                .collect(Collectors.toSet()))
                .isEqualTo(countries);
    }

    @Test
    void valuesFitTheSakilaColumnSizes() {
        assertThat(data.countries()).allMatch(c -> c.country().length() <= 50);
        assertThat(data.cities()).allMatch(c -> c.city().length() <= 50);
        assertThat(data.addresses())
                .allMatch(a -> a.address().length() <= 50)
                .allMatch(a -> a.district().length() <= 20)
                .allMatch(a -> a.postalCode() == null || a.postalCode().length() <= 10)
                .allMatch(a -> a.phone().length() <= 20);
        assertThat(data.customers())
                .allMatch(c -> c.firstName().length() <= 45 && c.lastName().length() <= 45)
                .allMatch(c -> c.email().length() <= 50);
    }

    @Test
    void customersLookLikeSakilaCustomers() {
        Set<String> emails = new HashSet<>();
        for (SakilaSampleData.Customer c : data.customers()) {
            assertThat(c.email())
                    .isEqualTo(c.firstName() + "." + c.lastName() + "@sakilacustomer.org");
            assertThat(c.firstName()).isUpperCase();
            assertThat(c.createDate())
                    .isBetween(
                            LocalDateTime.of(2005, 5, 1, 0, 0),
                            LocalDateTime.of(2006, 2, 15, 0, 0));
            assertThat(c.addressId())
                    .isGreaterThanOrEqualTo(SakilaSampleData.FIRST_CUSTOMER_ADDRESS);
            emails.add(c.email());
        }
        assertThat(emails).hasSize(599);
        // A few inactive customers, like the original's 15.
        assertThat(data.customers().stream().filter(c -> !c.active()).count()).isBetween(3L, 40L);
        assertThat(data.customers().stream().map(SakilaSampleData.Customer::storeId).distinct())
                .containsExactlyInAnyOrder(1, 2);
    }

    @Test
    void someCustomersShareAnAddressSoAnAddressChangeHitsSeveralRows() {
        Map<Integer, List<Integer>> shared = data.sharedAddresses();
        assertThat(shared).hasSize(12);
        assertThat(shared.values()).allMatch(ids -> ids.size() >= 2);
        assertThat(shared.values()).anyMatch(ids -> ids.size() == 3);
        // The addresses they left stay in the table for moves.
        long used = data.customersByAddress().size();
        assertThat(used).isLessThan(603 - 4);
    }

    @Test
    void textIncludesNonAsciiCharacters() {
        // Accents in addresses and districts exercise utf8mb4 and UTF-8 end to end.
        assertThat(data.addresses()).anyMatch(a -> !a.address().chars().allMatch(ch -> ch < 128));
    }

    @Test
    void loadsParentsFirstInBatchesInOneTransaction() throws Exception {
        FakeJdbc jdbc = new FakeJdbc();
        data.loadInto(jdbc.connection(), SourceDialect.MYSQL);

        assertThat(jdbc.commits).isEqualTo(1);
        assertThat(jdbc.autoCommit).isTrue();
        assertThat(jdbc.executionsOf("INSERT INTO country"))
                .hasSize(100)
                .allMatch(FakeJdbc.Execution::batched);
        assertThat(jdbc.executionsOf("INSERT INTO customer")).hasSize(599);
        // 100 + 600 + 603 + 2 + 599 rows in batches of at most 200: 1 + 3 + 4 + 1 + 3 round trips.
        assertThat(jdbc.executeBatchCalls).isEqualTo(1 + 3 + 4 + 1 + 3);
        List<String> order = jdbc.sql().stream().distinct().collect(Collectors.toList());
        assertThat(order.get(0)).startsWith("INSERT INTO country");
        assertThat(order.get(order.size() - 1)).startsWith("INSERT INTO customer");

        FakeJdbc.Execution first = jdbc.executionsOf("INSERT INTO customer").get(0);
        SakilaSampleData.Customer c = data.customers().get(0);
        assertThat(first.params())
                .containsExactly(
                        c.customerId(),
                        c.storeId(),
                        c.firstName(),
                        c.lastName(),
                        c.email(),
                        c.addressId(),
                        c.active(),
                        c.createDate());
    }

    @Test
    void postgresGetsPagilaColumnsAndAdvancedSequences() throws Exception {
        FakeJdbc jdbc = new FakeJdbc();
        data.loadInto(jdbc.connection(), SourceDialect.POSTGRES);

        FakeJdbc.Execution first = jdbc.executionsOf("INSERT INTO customer").get(0);
        SakilaSampleData.Customer c = data.customers().get(0);
        assertThat(first.sql()).contains("activebool, create_date, active");
        assertThat(first.params())
                .containsExactly(
                        c.customerId(),
                        c.storeId(),
                        c.firstName(),
                        c.lastName(),
                        c.email(),
                        c.addressId(),
                        c.active(),
                        c.createDate().toLocalDate(),
                        c.active() ? 1 : 0);
        assertThat(first.params().get(7)).isInstanceOf(LocalDate.class);
        // Explicit ids do not move identity sequences; the loader moves them so later inserts work.
        assertThat(jdbc.sql())
                .contains(
                        "SELECT setval(pg_get_serial_sequence('customer', 'customer_id'), (SELECT MAX(customer_id) FROM customer))");
    }

    @Test
    void loadIfEmptyDoesNothingWhenDataIsThere() throws Exception {
        FakeJdbc jdbc = new FakeJdbc().answer("COUNT(*) FROM country", new Object[] {"100"});
        assertThat(data.loadIfEmpty(jdbc.connection(), SourceDialect.MYSQL)).isFalse();
        assertThat(jdbc.executionsOf("INSERT")).isEmpty();

        FakeJdbc empty = new FakeJdbc().answer("COUNT(*) FROM country", new Object[] {"0"});
        assertThat(data.loadIfEmpty(empty.connection(), SourceDialect.MYSQL)).isTrue();
        assertThat(empty.executionsOf("INSERT INTO customer")).hasSize(599);
    }
}
