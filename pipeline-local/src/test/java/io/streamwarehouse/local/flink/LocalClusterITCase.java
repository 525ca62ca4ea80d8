package io.streamwarehouse.local.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwarehouse.local.cli.CliProcess;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The local cluster's web UI and REST API, which run any jar they are sent, listen on loopback
 * unless told otherwise; when told, only they move, never the blob server or the RPC endpoints.
 */
class LocalClusterITCase {

    @Test
    void listensOnLoopbackByDefault() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(0, 1)) {
            URI web = cluster.webUrl();
            assertThat(web.getHost()).isEqualTo("127.0.0.1");
            assertThat(listening(web.getPort()))
                    .singleElement()
                    .matches(LocalClusterITCase::loopback);
            assertThat(CliProcess.listeningAddresses(ProcessHandle.current().pid()))
                    .as("every socket of this JVM")
                    .allMatch(LocalClusterITCase::loopback);
        }
    }

    @Test
    void anotherAddressMovesOnlyTheWebUi() throws Exception {
        try (LocalCluster cluster = LocalCluster.start("0.0.0.0", 0, 1)) {
            int port = cluster.webUrl().getPort();
            assertThat(listening(port))
                    .singleElement()
                    .matches(
                            a ->
                                    a.matches(
                                            "(0\\.0\\.0\\.0|\\*|\\[::]|\\[::ffff:0\\.0\\.0\\.0]):"
                                                    + port));
            assertThat(CliProcess.listeningAddresses(ProcessHandle.current().pid()))
                    .filteredOn(a -> !a.endsWith(":" + port))
                    .allMatch(LocalClusterITCase::loopback);
        }
    }

    private static boolean loopback(String address) {
        return address.startsWith("127.0.0.1:") || address.startsWith("[::ffff:127.0.0.1]:");
    }

    private static List<String> listening(int port) throws Exception {
        return CliProcess.listeningAddresses(ProcessHandle.current().pid()).stream()
                .filter(a -> a.endsWith(":" + port))
                .toList();
    }
}
