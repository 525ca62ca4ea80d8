package io.streamwarehouse.bench;

import java.util.List;

/** Percentiles of measured latencies, reported as figures of their own. */
final class Latencies {
    private Latencies() {}

    /** Adds p50, p99 and max (milliseconds) of {@code nanos} to the report. */
    static void report(
            Report report, String benchmark, String what, List<Long> nanos, String note) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        report.add(benchmark, what + ", p50", percentile(sorted, 50) / 1e6, "ms", note);
        report.add(benchmark, what + ", p99", percentile(sorted, 99) / 1e6, "ms", null);
        report.add(benchmark, what + ", max", sorted[sorted.length - 1] / 1e6, "ms", null);
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, int percent) {
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
