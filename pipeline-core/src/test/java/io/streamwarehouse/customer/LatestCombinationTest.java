package io.streamwarehouse.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;

/**
 * {@link LatestCombination} on the orders in which the joins' paths deliver a customer's rows,
 * through Flink's keyed operator test harness.
 */
class LatestCombinationTest {

    /**
     * The case that left a customer at its old address: customer 1 at address 149 (versions 10, 5)
     * moves to address 483 (customer version 20); address 149 then changes (version 30) and its
     * join path delivers the stale combination "customer 1 at 149" after the move.
     */
    @Test
    void aMoveWinsOverALaterChangeOfTheOldAddress() throws Exception {
        try (Harness h = new Harness()) {
            h.send(row(1, 149, 10L, 5L, 7L, 3L));
            h.send(row(1, 483, 20L, 8L, 7L, 3L));
            h.send(row(1, 149, 10L, 30L, 7L, 3L));

            assertThat(h.kept())
                    .extracting(r -> tuple(r.getField("address_id"), r.getField("source_version")))
                    .containsExactly(tuple(149, 10L), tuple(483, 20L));
            assertThat(h.function.staleCombinationsDropped()).isEqualTo(1);
        }
    }

    /** The versions the warehouse's guard sees never go down, even when the parts' maximum does. */
    @Test
    void keptRowsGetAVersionThatOnlyGrows() throws Exception {
        try (Harness h = new Harness()) {
            h.send(row(1, 149, 10L, 30L, 7L, 3L));
            h.send(row(1, 483, 20L, 8L, 7L, 3L));
            h.send(row(1, 483, 20L, 8L, 40L, 3L));

            assertThat(h.kept())
                    .extracting(r -> r.getField("source_version"))
                    .containsExactly(30L, 30L, 40L);
        }
    }

    /** An address that moves to another city outranks a later rename of its old city. */
    @Test
    void aLowerLevelIsComparedOnlyWhenTheLevelsAboveAreEqual() throws Exception {
        try (Harness h = new Harness()) {
            h.send(row(1, 149, 10L, 5L, 7L, 3L));
            h.send(row(1, 149, 10L, 40L, 8L, 3L));
            h.send(row(1, 149, 10L, 5L, 50L, 3L));

            assertThat(h.kept())
                    .extracting(r -> r.getField("address_version"))
                    .containsExactly(5L, 40L);
        }
    }

    /**
     * A left join's transient row without its address ranks below the real one; the same
     * combination seen again (a rename reached through another path) still lands.
     */
    @Test
    void nullPaddedRowsLoseAndEqualCombinationsLand() throws Exception {
        try (Harness h = new Harness()) {
            h.send(row(1, 149, 10L, 5L, 7L, 3L));
            h.send(row(1, 149, 10L, null, null, null));
            h.send(row(1, 149, 10L, 5L, 7L, 3L));

            assertThat(h.kept()).hasSize(2);
            assertThat(h.kept().get(1).getField("address_version")).isEqualTo(5L);
        }
    }

    /** Customers are independent, and what is kept survives a restore. */
    @Test
    void keptVersionsAreRestoredPerCustomer() throws Exception {
        OperatorSubtaskState snapshot;
        try (Harness h = new Harness()) {
            h.send(row(1, 483, 20L, 8L, 7L, 3L));
            h.send(row(2, 149, 10L, 5L, 7L, 3L));
            snapshot = h.harness.snapshot(1L, 1L);
        }
        try (Harness h = new Harness(snapshot)) {
            h.send(row(1, 149, 10L, 30L, 7L, 3L));
            h.send(row(2, 149, 10L, 30L, 7L, 3L));

            assertThat(h.kept())
                    .extracting(r -> tuple(r.getField("customer_id"), r.getField("source_version")))
                    .containsExactly(tuple(2, 30L));
            assertThat(h.harness.numKeyedStateEntries()).isEqualTo(2);
        }
    }

    private static final RowTypeInfo ROW_TYPE =
            new RowTypeInfo(
                    new TypeInformation<?>[] {
                        Types.INT,
                        Types.INT,
                        Types.LONG,
                        Types.LONG,
                        Types.LONG,
                        Types.LONG,
                        Types.LONG
                    },
                    new String[] {
                        "customer_id",
                        "address_id",
                        "source_version",
                        "customer_version",
                        "address_version",
                        "city_version",
                        "country_version"
                    });

    private static Row row(
            int customer, int address, Long customerV, Long addressV, Long cityV, Long countryV) {
        Row row = ROW_TYPE.createSerializer(new SerializerConfigImpl()).createInstance();
        row.setField("customer_id", customer);
        row.setField("address_id", address);
        long max = 0;
        for (Long v : new Long[] {customerV, addressV, cityV, countryV}) {
            max = Math.max(max, v == null ? 0 : v);
        }
        row.setField("source_version", max);
        row.setField("customer_version", customerV);
        row.setField("address_version", addressV);
        row.setField("city_version", cityV);
        row.setField("country_version", countryV);
        return row;
    }

    private static final class Harness implements AutoCloseable {
        final LatestCombination function = new LatestCombination();
        final KeyedOneInputStreamOperatorTestHarness<Integer, Row, Row> harness;

        Harness() throws Exception {
            this(null);
        }

        Harness(OperatorSubtaskState restored) throws Exception {
            harness =
                    new KeyedOneInputStreamOperatorTestHarness<>(
                            new KeyedProcessOperator<>(function),
                            r -> (Integer) r.getField("customer_id"),
                            Types.INT);
            harness.setup(ROW_TYPE.createSerializer(new SerializerConfigImpl()));
            if (restored != null) {
                harness.initializeState(restored);
            }
            harness.open();
        }

        void send(Row row) throws Exception {
            harness.processElement(new StreamRecord<>(row));
        }

        List<Row> kept() {
            return harness.extractOutputValues();
        }

        @Override
        public void close() throws Exception {
            harness.close();
        }
    }
}
