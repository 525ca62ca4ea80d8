package io.streamwarehouse.bench;

import java.lang.management.ManagementFactory;

/** CPU time of this JVM (the Flink mini cluster, the Kafka broker and the benchmark itself). */
final class Cpu {
    private Cpu() {}

    static double seconds() {
        return ((com.sun.management.OperatingSystemMXBean)
                                ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime()
                / 1e9;
    }
}
