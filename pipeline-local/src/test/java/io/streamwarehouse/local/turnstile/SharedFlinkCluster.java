package io.streamwarehouse.local.turnstile;

import io.streamwarehouse.local.flink.LocalCluster;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Flink mini cluster for every turnstile test class of the JVM, so each job run pays for a job
 * submission rather than a cluster start. It is the cluster {@code ./pipeline run} uses; jobs bring
 * their own settings (RocksDB, checkpoints, restart strategy) in their job configuration.
 */
final class SharedFlinkCluster implements BeforeAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(SharedFlinkCluster.class);

    /** Two jobs side by side at parallelism 1 each, with room to spare. */
    private static final int SLOTS = 4;

    private volatile LocalCluster cluster;

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster =
                context.getRoot()
                        .getStore(NAMESPACE)
                        .getOrComputeIfAbsent(
                                LocalCluster.class, key -> new Closeable(start()), Closeable.class)
                        .cluster;
    }

    LocalCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException("register with @RegisterExtension on a static field");
        }
        return cluster;
    }

    private static LocalCluster start() {
        try {
            return LocalCluster.start(0, SLOTS);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the Flink mini cluster", e);
        }
    }

    private static final class Closeable implements ExtensionContext.Store.CloseableResource {
        final LocalCluster cluster;

        Closeable(LocalCluster cluster) {
            this.cluster = cluster;
        }

        @Override
        public void close() throws Exception {
            cluster.close();
        }
    }
}
