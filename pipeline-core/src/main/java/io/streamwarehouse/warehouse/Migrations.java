package io.streamwarehouse.warehouse;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies the versioned warehouse migrations in {@code sql/warehouse} (on the classpath as {@code
 * db/warehouse}). Flyway records what it applied, so running it again is a no-op.
 */
public final class Migrations {
    private Migrations() {}

    public static MigrateResult apply(WarehouseConnection warehouse) {
        Flyway flyway =
                Flyway.configure(Migrations.class.getClassLoader())
                        .dataSource(warehouse.jdbcUrl(), warehouse.username(), warehouse.password())
                        .locations("classpath:db/warehouse")
                        .schemas("audit")
                        .createSchemas(true)
                        .load();
        return flyway.migrate();
    }
}
