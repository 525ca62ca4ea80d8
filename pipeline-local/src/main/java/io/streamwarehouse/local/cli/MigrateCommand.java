package io.streamwarehouse.local.cli;

import io.streamwarehouse.warehouse.Migrations;
import io.streamwarehouse.warehouse.WarehouseConnection;
import java.util.concurrent.Callable;
import org.flywaydb.core.api.output.MigrateResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "migrate",
        mixinStandardHelpOptions = true,
        description =
                "Apply the warehouse migrations (sql/warehouse) to warehouse.jdbc-url. Safe to run again: applied versions are skipped.")
public final class MigrateCommand implements Callable<Integer> {

    @Mixin ConfigOptions config;

    @Override
    public Integer call() {
        WarehouseConnection warehouse = WarehouseConnection.from(config.load());
        MigrateResult result = Migrations.apply(warehouse);
        System.out.printf(
                "warehouse %s: %d migration(s) applied, now at version %s%n",
                warehouse.jdbcUrl(),
                result.migrationsExecuted,
                result.targetSchemaVersion == null
                        ? result.initialSchemaVersion
                        : result.targetSchemaVersion);
        return 0;
    }
}
