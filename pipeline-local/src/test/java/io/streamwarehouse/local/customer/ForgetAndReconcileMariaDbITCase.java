package io.streamwarehouse.local.customer;

import io.streamwarehouse.local.services.MariaDbExtension;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reconcile and forget with the MariaDB binlog as the source; MariaDB stores a NUL in a name, so
 * the forgotten customer also has dead letters to erase.
 */
class ForgetAndReconcileMariaDbITCase extends ForgetAndReconcileContract {

    @RegisterExtension static final MariaDbExtension MARIADB = new MariaDbExtension();

    @Override
    protected SakilaSource createSource() throws Exception {
        return SakilaSource.mariaDb(MARIADB, "cdc_forget_maria", "5620-5624");
    }

    @Override
    protected Map<String, String> extraSettings() {
        return Map.of("warehouse.retry-timeout", "5 s");
    }

    @Override
    protected boolean sourceAcceptsNul() {
        return true;
    }
}
