package io.streamwarehouse.turnstile;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * All one turnstile keeps between readings, as one state value: the last committed reading (the
 * baseline the next delta is taken from) and the readings still waiting for the watermark, in
 * reading-time order. One value rather than a map and a timer per reading, because it is read once
 * when the turnstile is first seen after a restore or an eviction and written once per checkpoint,
 * however many readings pass through it in between (see {@link CounterDeltaOperator}).
 *
 * <p>A Flink POJO with Flink's list serializer for the pending readings, never Kryo.
 */
public class TurnstileCounter {
    /** The last committed reading; null before the first, and in interval mode. */
    public Baseline baseline;

    /**
     * Readings not yet committed, oldest first; a few per turnstile, as many as the lateness holds.
     */
    @TypeInfo(PendingType.class)
    public List<TurnstileReading> pending = new ArrayList<>();

    /** Changed since it was last written to state; not part of the value. */
    transient boolean dirty;

    public TurnstileCounter() {}

    /** The last committed reading of a turnstile: all the next delta needs. */
    public static class Baseline {
        /** Reading time as event-time millis. */
        public long time;

        public long entries;
        public long exits;

        public Baseline() {}

        Baseline(long time, long entries, long exits) {
            this.time = time;
            this.entries = entries;
            this.exits = exits;
        }
    }

    boolean isEmpty() {
        return baseline == null && pending.isEmpty();
    }

    /** Event time of the oldest pending reading; {@link Long#MAX_VALUE} when none waits. */
    long earliestPending() {
        return pending.isEmpty() ? Long.MAX_VALUE : pending.get(0).eventTimeMillis();
    }

    /** The newest reading time this turnstile holds, committed or not. */
    long newestTime() {
        long newest = baseline == null ? Long.MIN_VALUE : baseline.time;
        return pending.isEmpty()
                ? newest
                : Math.max(newest, pending.get(pending.size() - 1).eventTimeMillis());
    }

    public static final class PendingType extends TypeInfoFactory<List<TurnstileReading>> {
        @Override
        public TypeInformation<List<TurnstileReading>> createTypeInfo(
                Type type, Map<String, TypeInformation<?>> parameters) {
            return Types.LIST(TypeInformation.of(TurnstileReading.class));
        }
    }
}
