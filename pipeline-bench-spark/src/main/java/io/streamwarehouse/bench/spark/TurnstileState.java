package io.streamwarehouse.bench.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import lombok.Getter;
import lombok.Setter;

/**
 * The state of one turnstile in {@link CounterDeltas}: the readings not yet committed (the Flink
 * job's {@code pending} map), the last committed reading (its {@code baseline}) and the windows its
 * deltas are summed into until the watermark closes them (the Flink job's window aggregate state
 * for this turnstile). A bean, for Spark's bean encoder.
 */
@Getter
@Setter
public class TurnstileState implements Serializable {
    private static final long serialVersionUID = 1L;

    static final long NONE = Long.MIN_VALUE;

    private long baselineTime = NONE;
    private long baselineEntries;
    private long baselineExits;
    private List<Reading> pending = new ArrayList<>();
    private List<OpenWindow> windows = new ArrayList<>();

    public TurnstileState() {}

    boolean hasBaseline() {
        return baselineTime != NONE;
    }
}
