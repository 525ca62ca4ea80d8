package io.streamwarehouse.customer;

import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;

/**
 * Keeps only the newest combination of a customer's parts, and gives the rows it keeps a version
 * that only grows per customer, so that the warehouse's version guard applies them in this order.
 *
 * <p>The joins repartition by address, city and country, so a customer's rows reach the end by
 * different paths. A row can join a stale combination: a change of the address a customer has just
 * moved away from, met by the join before the move's retraction. Its greatest part version (the
 * change of the old address) can be higher than every part of the correct row after the move, so
 * "greatest version of the parts" would let the stale row win for good. Comparing the parts from
 * the customer down ({@link #staleCombination}) orders them right: whatever makes a combination
 * stale is a change one level up (the customer's move changes the customer, an address that moves
 * to another city changes the address), so the correct row always has the newer version at the
 * first level where the two differ.
 *
 * <p>State per customer: the part versions of the last row kept and the version it was given. It
 * lives as long as the customer does, as the joins' state does: customers are deleted softly.
 */
public class LatestCombination extends KeyedProcessFunction<Integer, Row, Row> {
    private static final long serialVersionUID = 1L;

    /** The part versions of a dimension row, from the customer down; null when a part is absent. */
    public static final List<String> PART_VERSIONS =
            List.of("customer_version", "address_version", "city_version", "country_version");

    private transient ValueState<long[]> kept;
    private transient Counter staleDropped;

    @Override
    public void open(OpenContext openContext) {
        kept =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "kept-part-versions",
                                        PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        staleDropped =
                getRuntimeContext()
                        .getMetricGroup()
                        .counter("staleCombinationsDropped", new SimpleCounter());
    }

    @Override
    public void processElement(Row row, Context ctx, Collector<Row> out) throws Exception {
        long[] parts = partVersions(row);
        long[] last = kept.value();
        if (last != null && staleCombination(parts, last)) {
            staleDropped.inc();
            return;
        }
        long version = (Long) row.getField("source_version");
        if (last != null) {
            version = Math.max(version, last[PART_VERSIONS.size()]);
        }
        row.setField("source_version", version);
        long[] next = new long[PART_VERSIONS.size() + 1];
        System.arraycopy(parts, 0, next, 0, parts.length);
        next[parts.length] = version;
        kept.update(next);
        out.collect(row);
    }

    /**
     * A combination is stale when, compared part by part from the customer down, its first
     * differing part is older than the kept one's. Equal combinations are not stale: a rename seen
     * through another path carries the same versions and must still land.
     */
    static boolean staleCombination(long[] parts, long[] kept) {
        for (int i = 0; i < parts.length; i++) {
            if (parts[i] != kept[i]) {
                return parts[i] < kept[i];
            }
        }
        return false;
    }

    /** An absent part (a left join's nulls) ranks below any present one. */
    private static long[] partVersions(Row row) {
        long[] parts = new long[PART_VERSIONS.size()];
        for (int i = 0; i < parts.length; i++) {
            Object v = row.getField(PART_VERSIONS.get(i));
            parts[i] = v == null ? -1L : ((Number) v).longValue();
        }
        return parts;
    }

    long staleCombinationsDropped() {
        return staleDropped.getCount();
    }
}
