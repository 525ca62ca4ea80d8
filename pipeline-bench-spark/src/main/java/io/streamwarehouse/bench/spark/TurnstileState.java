package io.streamwarehouse.bench.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The state of one turnstile in {@link CounterDeltas}: the readings not yet committed (the Flink
 * job's {@code pending} map), the last committed reading (its {@code baseline}) and the windows its
 * deltas are summed into until the watermark closes them (the Flink job's window aggregate state
 * for this turnstile). A bean, for Spark's bean encoder.
 */
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

    public long getBaselineTime() {
        return baselineTime;
    }

    public void setBaselineTime(long baselineTime) {
        this.baselineTime = baselineTime;
    }

    public long getBaselineEntries() {
        return baselineEntries;
    }

    public void setBaselineEntries(long baselineEntries) {
        this.baselineEntries = baselineEntries;
    }

    public long getBaselineExits() {
        return baselineExits;
    }

    public void setBaselineExits(long baselineExits) {
        this.baselineExits = baselineExits;
    }

    public List<Reading> getPending() {
        return pending;
    }

    public void setPending(List<Reading> pending) {
        this.pending = pending;
    }

    public List<OpenWindow> getWindows() {
        return windows;
    }

    public void setWindows(List<OpenWindow> windows) {
        this.windows = windows;
    }
}
