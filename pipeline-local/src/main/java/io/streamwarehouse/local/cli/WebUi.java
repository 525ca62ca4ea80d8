package io.streamwarehouse.local.cli;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.config.PipelineOptions;
import io.streamwarehouse.local.flink.LocalCluster;
import picocli.CommandLine.Option;

/** Where the Flink web UI of a local cluster listens: for {@code run} and {@code sandbox}. */
public final class WebUi {
    @Option(
            names = "--web-address",
            defaultValue = LocalCluster.LOOPBACK,
            description =
                    "Address the Flink web UI and REST API listen on (default: ${DEFAULT-VALUE},"
                            + " this machine only). The REST API has no authentication and runs"
                            + " any jar it is sent: open it to a network only behind a proxy that"
                            + " authenticates.")
    String address;

    @Option(
            names = "--web-port",
            description = "Port of the Flink web UI; 0 picks a free one (default: web.port, 8081).")
    Integer port;

    /** {@code --web-port}, else {@code web.port} of the configuration. */
    int port(PipelineConfig settings) {
        return port != null ? port : settings.get(PipelineOptions.WEB_PORT);
    }
}
