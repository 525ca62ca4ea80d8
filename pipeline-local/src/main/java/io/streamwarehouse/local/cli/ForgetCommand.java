package io.streamwarehouse.local.cli;

import io.streamwarehouse.warehouse.CustomerErasure;
import io.streamwarehouse.warehouse.WarehouseConnection;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "forget",
        mixinStandardHelpOptions = true,
        description = {
            "Remove a customer's personal data from everything the pipeline stored (the dimension,"
                    + " its history, staging's row images, dead letters) and keep a tombstone, so"
                    + " that no later change, log replay or snapshot of the source brings it back."
                    + " Recorded in audit.forget_log.",
            "The source database is not changed: erasing the customer there is its owner's task."
        })
public final class ForgetCommand implements Callable<Integer> {

    @Option(
            names = "--customer-id",
            required = true,
            paramLabel = "N",
            description = "The customer to forget (customer.customer_id in the source).")
    int customerId;

    @Mixin ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        CustomerErasure.Erased erased =
                CustomerErasure.forget(WarehouseConnection.from(config.load()), customerId);
        System.out.printf(
                "forget: customer %d forgotten at %s: %d dimension row(s), %d history row(s),"
                        + " %d staged image(s), %d dead letter(s) erased; tombstone kept%n",
                erased.customerId(),
                erased.forgottenAt(),
                erased.dimensionRows(),
                erased.historyRows(),
                erased.stagedImages(),
                erased.deadLetters());
        return 0;
    }
}
