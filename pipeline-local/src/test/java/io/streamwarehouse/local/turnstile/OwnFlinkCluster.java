package io.streamwarehouse.local.turnstile;

import io.streamwarehouse.local.flink.LocalCluster;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A Flink mini cluster for one test class, for tests that kill its task manager: the other classes
 * share {@link SharedFlinkCluster}, which must not lose one under them.
 */
final class OwnFlinkCluster implements BeforeAllCallback, AfterAllCallback {
    private LocalCluster cluster;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        cluster = LocalCluster.start(0, 2);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    LocalCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException("register with @RegisterExtension on a static field");
        }
        return cluster;
    }
}
