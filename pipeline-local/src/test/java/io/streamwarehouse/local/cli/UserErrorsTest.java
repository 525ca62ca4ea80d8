package io.streamwarehouse.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwarehouse.local.PipelineCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Mistakes a user can make end in one line and a hint, with exit code 2, never a stack trace. */
class UserErrorsTest {

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = PipelineCli.commandLine();
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void misspelledKey() {
        assertThat(run("migrate", "--set", "warehouse.jdbc-ur=jdbc:postgresql://x/y")).isEqualTo(2);
        assertThat(err.toString())
                .startsWith("pipeline migrate: unknown configuration key 'warehouse.jdbc-ur'")
                .contains("hint: ")
                .doesNotContain("\tat ");
    }

    @Test
    void missingReplayFile() {
        assertThat(run("replay", "/no/such/week.csv.gz")).isEqualTo(2);
        assertThat(err.toString())
                .contains("no such file or directory: /no/such/week.csv.gz")
                .contains("hint: ")
                .doesNotContain("\tat ");
    }

    @Test
    void unknownJob() {
        assertThat(run("run", "customer-dimensions")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown job 'customer-dimensions'").contains("hint: ");
    }

    @Test
    void unreachableWarehouse() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        assertThat(
                        run(
                                "migrate",
                                "--set",
                                "warehouse.jdbc-url=jdbc:postgresql://127.0.0.1:"
                                        + closedPort
                                        + "/w"))
                .isEqualTo(2);
        assertThat(err.toString())
                .contains("hint: is the database running and reachable?")
                .doesNotContain("\tat ");
    }

    @Test
    void busyWebPort() throws IOException {
        try (ServerSocket busy =
                new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThat(
                            run(
                                    "run",
                                    "turnstile-aggregates",
                                    "--web-port",
                                    String.valueOf(busy.getLocalPort())))
                    .isEqualTo(2);
        }
        assertThat(err.toString())
                .contains("is already in use")
                .contains("hint: pass --web-port with another port");
    }
}
