package io.streamwarehouse.samples.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamwarehouse.customer.source.FakeJdbc;
import io.streamwarehouse.customer.source.SourceDialect;
import io.streamwarehouse.samples.customer.ChangeSimulator.Kind;
import io.streamwarehouse.samples.customer.ChangeSimulator.SimulatedChange;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChangeSimulatorTest {

    private static final SakilaSampleData DATA = SakilaSampleData.generate(42);
    private static final Clock CLOCK =
            Clock.fixed(Instant.parse("2024-03-01T10:15:30Z"), ZoneOffset.UTC);

    private static ChangeSimulator simulator(SourceDialect dialect, long seed) {
        return ChangeSimulator.forSample(DATA, dialect, seed).withClock(CLOCK);
    }

    @Test
    void sameSeedPlansTheSameChanges() {
        List<SimulatedChange> a = plan(simulator(SourceDialect.MYSQL, 7), 200);
        List<SimulatedChange> b = plan(simulator(SourceDialect.MYSQL, 7), 200);
        List<SimulatedChange> c = plan(simulator(SourceDialect.MYSQL, 8), 200);
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void theDefaultMixProducesEveryKind() {
        Set<Kind> kinds = EnumSet.noneOf(Kind.class);
        for (SimulatedChange change : plan(simulator(SourceDialect.MYSQL, 3), 300)) {
            kinds.add(change.kind());
        }
        assertThat(kinds).containsExactlyInAnyOrder(Kind.values());
    }

    @Test
    void aSharedAddressChangeAffectsAllItsCustomers() {
        ChangeSimulator sim = simulator(SourceDialect.MYSQL, 1);
        SimulatedChange change = sim.next(Kind.SHARED_ADDRESS_CHANGE);
        assertThat(change.table()).isEqualTo("address");
        assertThat(change.affectedCustomers()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(change.affectedCustomers()).isEqualTo(DATA.sharedAddresses().get(change.key()));
        assertThat(change.statement().sql())
                .isEqualTo("UPDATE address SET address = ?, phone = ? WHERE address_id = ?");
        assertThat(change.statement().params().get(2)).isEqualTo(change.key());
    }

    @Test
    void deletedCustomersAreNeverTouchedAgain() {
        ChangeSimulator sim = simulator(SourceDialect.MYSQL, 5);
        Set<Integer> deleted = new HashSet<>();
        for (SimulatedChange change : plan(sim, 500)) {
            if (change.table().equals("customer")) {
                assertThat(deleted).doesNotContain(change.key());
            }
            if (change.kind() == Kind.DELETE_CUSTOMER) {
                deleted.add(change.key());
            }
        }
        assertThat(deleted).isNotEmpty();
        assertThat(sim.liveCustomers()).doesNotContainAnyElementsOf(deleted);
    }

    @Test
    void updatesReallyChangeTheValue() {
        ChangeSimulator sim = simulator(SourceDialect.MYSQL, 9);
        for (int i = 0; i < 50; i++) {
            SimulatedChange email = sim.next(Kind.UPDATE_EMAIL);
            String newEmail = (String) email.statement().params().get(0);
            String old = DATA.customers().get(email.key() - 1).email();
            // Renamed customers have other addresses than the sample's, so compare only untouched
            // ones.
            if (!newEmail.startsWith(DATA.customers().get(email.key() - 1).firstName() + ".")) {
                continue;
            }
            assertThat(newEmail).isNotEqualTo(old).endsWith("@sakilacustomer.org");
        }
        SimulatedChange move = sim.next(Kind.MOVE_ADDRESS);
        assertThat(move.statement().params().get(0))
                .isNotEqualTo(DATA.customers().get(move.key() - 1).addressId());
    }

    @Test
    void noOpUpdatesDifferPerDialect() {
        // MySQL logs nothing for an UPDATE that changes nothing, so last_update must move forward.
        assertThat(simulator(SourceDialect.MYSQL, 1).next(Kind.NO_OP_UPDATE).statement().sql())
                .contains(
                        "last_update = GREATEST(COALESCE(last_update, CURRENT_TIMESTAMP), CURRENT_TIMESTAMP) + INTERVAL 1 SECOND");
        assertThat(simulator(SourceDialect.POSTGRES, 1).next(Kind.NO_OP_UPDATE).statement().sql())
                .isEqualTo("UPDATE customer SET last_update = now() WHERE customer_id = ?");
    }

    @Test
    void insertsUseTheDialectsColumnsAndTheClock() {
        SimulatedChange mysql = simulator(SourceDialect.MYSQL, 1).next(Kind.INSERT_CUSTOMER);
        assertThat(mysql.statement().sql())
                .contains("active, create_date)")
                .doesNotContain("customer_id");
        assertThat(mysql.statement().params().get(6))
                .isEqualTo(LocalDateTime.of(2024, 3, 1, 10, 15, 30));

        SimulatedChange pg = simulator(SourceDialect.POSTGRES, 1).next(Kind.INSERT_CUSTOMER);
        assertThat(pg.statement().sql()).contains("activebool, create_date, active)");
        assertThat(pg.statement().params().get(6)).isEqualTo(LocalDate.of(2024, 3, 1));
        assertThat(pg.statement().params().get(7)).isEqualTo(1);
    }

    @Test
    void applyRunsOneTransactionAndLearnsTheNewId() throws Exception {
        FakeJdbc jdbc = new FakeJdbc();
        jdbc.nextGeneratedKey = 777;
        ChangeSimulator sim = simulator(SourceDialect.MYSQL, 1);
        SimulatedChange applied = sim.apply(jdbc.connection(), sim.next(Kind.INSERT_CUSTOMER));

        assertThat(applied.key()).isEqualTo(777);
        assertThat(applied.affectedCustomers()).containsExactly(777);
        assertThat(applied.description()).startsWith("insert customer 777 ");
        assertThat(jdbc.commits).isEqualTo(1);
        assertThat(jdbc.autoCommit).isTrue();
        assertThat(sim.liveCustomers()).contains(777);
    }

    @Test
    void aChangeThatTouchesNoRowFailsAndRollsBack() {
        FakeJdbc jdbc = new FakeJdbc();
        jdbc.updateCount = 0;
        ChangeSimulator sim = simulator(SourceDialect.MYSQL, 1);
        assertThatThrownBy(() -> sim.apply(jdbc.connection(), sim.next(Kind.UPDATE_NAME)))
                .hasMessageContaining("touched no row");
        assertThat(jdbc.rollbacks).isEqualTo(1);
        assertThat(jdbc.commits).isZero();
    }

    @Test
    void runAtRateKeepsAFixedScheduleWithoutSleepingWhenBehind() throws Exception {
        FakeJdbc jdbc = new FakeJdbc();
        ChangeSimulator sim = simulator(SourceDialect.MYSQL, 1);
        long[] now = {0};
        List<Long> pauses = new ArrayList<>();
        List<SimulatedChange> seen = new ArrayList<>();
        int applied =
                sim.runAtRate(
                        jdbc.connection(),
                        4.0,
                        10,
                        () -> true,
                        change -> {
                            seen.add(change);
                            now[0] += 50_000_000L; // every statement takes 50 ms
                        },
                        () -> now[0],
                        nanos -> {
                            pauses.add(nanos);
                            now[0] += nanos;
                        });
        assertThat(applied).isEqualTo(10);
        assertThat(seen).hasSize(10);
        assertThat(jdbc.commits).isEqualTo(10);
        // 4 per second: change i is due at i * 250 ms; each wait fills the rest of its slot.
        assertThat(pauses).hasSize(9).allMatch(p -> p == 200_000_000L);
        assertThat(now[0]).isEqualTo(9 * 250_000_000L + 50_000_000L);
    }

    @Test
    void runAtRateStopsWhenAskedAndRejectsABadRate() throws Exception {
        FakeJdbc jdbc = new FakeJdbc();
        ChangeSimulator sim = simulator(SourceDialect.MYSQL, 1);
        long[] now = {0};
        List<SimulatedChange> seen = new ArrayList<>();
        // No limit on the count: only the stop signal ends the run.
        int applied =
                sim.runAtRate(
                        jdbc.connection(),
                        1000,
                        0,
                        () -> seen.size() < 3,
                        seen::add,
                        () -> now[0],
                        n -> now[0] += n);
        assertThat(applied).isEqualTo(3);
        assertThat(jdbc.commits).isEqualTo(3);
        assertThatThrownBy(() -> sim.runAtRate(jdbc.connection(), 0, 1, () -> true, c -> {}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void weightsSelectTheKinds() {
        Map<Kind, Integer> onlyMoves = new EnumMap<>(Kind.class);
        onlyMoves.put(Kind.MOVE_ADDRESS, 1);
        ChangeSimulator sim = simulator(SourceDialect.MYSQL, 1).withWeights(onlyMoves);
        assertThat(plan(sim, 50)).allMatch(c -> c.kind() == Kind.MOVE_ADDRESS);
        assertThatThrownBy(() -> sim.withWeights(Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fromDatabaseReadsTheCurrentRows() throws Exception {
        FakeJdbc jdbc =
                new FakeJdbc()
                        .answer(
                                "FROM customer",
                                new Object[] {
                                    1, "MARY", "SMITH", "MARY.SMITH@sakilacustomer.org", 5
                                },
                                new Object[] {2, "JOHN", "DOE", "JOHN.DOE@sakilacustomer.org", 5})
                        .answer("FROM address", new Object[] {5, 10}, new Object[] {6, 11})
                        .answer("FROM city", new Object[] {10, "Alpha"}, new Object[] {11, "Beta"});
        ChangeSimulator sim =
                ChangeSimulator.fromDatabase(jdbc.connection(), SourceDialect.MYSQL, 1);
        assertThat(sim.liveCustomers()).containsExactly(1, 2);
        assertThat(sim.sharedAddresses()).containsEntry(5, List.of(1, 2));
        SimulatedChange rename = sim.next(Kind.CITY_RENAME);
        assertThat(rename.key()).isEqualTo(10);
        assertThat(rename.affectedCustomers()).containsExactly(1, 2);
    }

    private static List<SimulatedChange> plan(ChangeSimulator sim, int n) {
        List<SimulatedChange> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(sim.next());
        }
        return out;
    }
}
