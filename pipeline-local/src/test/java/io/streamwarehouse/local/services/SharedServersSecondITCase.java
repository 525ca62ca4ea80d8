package io.streamwarehouse.local.services;

import org.junit.jupiter.api.extension.RegisterExtension;

class SharedServersSecondITCase extends SharedServersContract {

    @RegisterExtension static final MariaDbExtension MARIADB = new MariaDbExtension();
    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    @Override
    MariaDbExtension mariaDb() {
        return MARIADB;
    }

    @Override
    PostgresExtension postgres() {
        return POSTGRES;
    }
}
