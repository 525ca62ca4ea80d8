package io.streamwarehouse.local.cli;

import io.streamwarehouse.local.report.WarehouseReport;
import io.streamwarehouse.warehouse.WarehouseConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description =
                "Write a self-contained HTML page: busiest stations by hour (heatmaps over the last two weeks at most and by hour of day and weekday, with axes and legends), the customer dimension, the load audit and the last reconciliation results.")
public final class ReportCommand implements Callable<Integer> {

    @Option(
            names = "--out",
            defaultValue = "warehouse-report.html",
            description = "Output file (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--stations",
            defaultValue = "20",
            description = "How many of the busiest stations to draw (default: ${DEFAULT-VALUE}).")
    int stations;

    @Mixin ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        WarehouseConnection warehouse = WarehouseConnection.from(config.load());
        Files.writeString(out, new WarehouseReport(warehouse, stations).render());
        System.out.println("report: " + out.toAbsolutePath());
        return 0;
    }
}
