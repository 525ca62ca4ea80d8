package io.streamwarehouse.local.cli;

import io.streamwarehouse.local.flink.LocalCluster;
import picocli.CommandLine.Option;

/** {@code --web-address}: for the commands that start a local cluster with the web UI. */
public final class WebAddress {
    @Option(
            names = "--web-address",
            defaultValue = LocalCluster.LOOPBACK,
            description =
                    "Address the Flink web UI and REST API listen on (default: ${DEFAULT-VALUE},"
                            + " this machine only). The REST API has no authentication and runs"
                            + " any jar it is sent: open it to a network only behind a proxy that"
                            + " authenticates.")
    String address;
}
