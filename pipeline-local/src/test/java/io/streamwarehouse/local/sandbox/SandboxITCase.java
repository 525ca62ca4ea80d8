package io.streamwarehouse.local.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The one command a newcomer runs, run as they would: {@code ./pipeline sandbox} in a child
 * process, until both jobs run and rows reach the warehouse, then an interrupt, after which no
 * process and no port may be left behind.
 */
class SandboxITCase {
    private static final Pattern WEB_UI = Pattern.compile("Flink web UI\\s+(http://\\S+)");
    private static final Pattern LOG_PROBLEM = Pattern.compile("\\b(WARN|ERROR)\\b");

    @Test
    void runsEverythingAndLeavesNothingBehind() throws Exception {
        Path root = Path.of(System.getProperty("user.dir")).getParent();
        Process sandbox =
                new ProcessBuilder(
                                root.resolve("pipeline").toString(),
                                "sandbox",
                                "--web-port",
                                "0",
                                "--speedup",
                                "0")
                        .directory(root.toFile())
                        .redirectErrorStream(true)
                        .start();
        List<String> output = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> collect(sandbox, output));
        reader.setDaemon(true);
        reader.start();
        try {
            String webUi =
                    await().atMost(Duration.ofMinutes(4))
                            .pollInterval(Duration.ofMillis(500))
                            .until(() -> find(output, WEB_UI), url -> url != null);
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(
                            () -> {
                                String jobs =
                                        http.send(
                                                        HttpRequest.newBuilder(
                                                                        URI.create(
                                                                                webUi
                                                                                        + "/jobs/overview"))
                                                                .build(),
                                                        HttpResponse.BodyHandlers.ofString())
                                                .body();
                                assertThat(jobs)
                                        .contains("\"name\":\"customer-dimension\"")
                                        .contains("\"name\":\"turnstile-aggregates\"");
                                assertThat(jobs.split("\"state\":\"RUNNING\"", -1)).hasSize(3);
                            });
            await().atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(
                            () -> {
                                SandboxProgress progress = SandboxProgress.last(output);
                                assertThat(progress).isNotNull();
                                assertThat(progress.dimCustomer).isPositive();
                                assertThat(progress.stationWindows).isPositive();
                            });
            // the first scheduled reconciliation runs 30 s after the start, with changes and
            // windows still arriving
            await("the sandbox's scheduled reconciliation finds the warehouse equal to its sources")
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(
                            () ->
                                    assertThat(output)
                                            .anyMatch(
                                                    line ->
                                                            line.startsWith("sandbox: ")
                                                                    && line.endsWith(
                                                                            "| reconciled: 0 differences")));
            assertThat(output)
                    .as("no scheduled reconciliation found a difference or failed")
                    .noneMatch(
                            line -> line.matches(".*reconciled: (failed|[1-9]\\d* difference).*"));

            List<ProcessHandle> children = sandbox.descendants().toList();
            assertThat(children).isNotEmpty();
            URI web = URI.create(webUi);

            // an interrupt, as Ctrl-C sends it; a JVM started with SIGINT ignored (the background
            // of a non-interactive shell) inherits that and could never see it
            assertThat(ignoresInterrupts(launcherJvm(sandbox)))
                    .as(
                            "the sandbox ignores SIGINT, inherited from the process that started"
                                    + " this build: run it from a shell that does not ignore it")
                    .isFalse();
            new ProcessBuilder("kill", "-INT", Long.toString(launcherJvm(sandbox).pid()))
                    .start()
                    .waitFor();

            assertThat(sandbox.waitFor(60, java.util.concurrent.TimeUnit.SECONDS))
                    .as(
                            "sandbox exits after an interrupt; the last of its output:%n%s",
                            String.join(
                                    "\n",
                                    output.subList(Math.max(0, output.size() - 60), output.size())))
                    .isTrue();
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () ->
                                    assertThat(children)
                                            .as("processes left behind")
                                            .noneMatch(ProcessHandle::isAlive));
            assertThat(portOpen(web.getHost(), web.getPort())).as("web UI port released").isFalse();
            assertThat(String.join("\n", output)).contains("sandbox: stopped");
            // the known harmless notices are silenced where they arise (see log4j2-cli.properties
            // and the services' settings): what is left is news
            assertThat(output)
                    .as("a healthy sandbox, started and stopped, prints no warnings or errors")
                    .noneMatch(line -> LOG_PROBLEM.matcher(line).find());
        } finally {
            sandbox.descendants().forEach(ProcessHandle::destroyForcibly);
            sandbox.destroyForcibly();
        }
    }

    /** The launcher script execs the JVM, so the process itself is the JVM. */
    /** Whether SIGINT is in the process's ignored signals (bit 1 of SigIgn). */
    private static boolean ignoresInterrupts(ProcessHandle process) throws IOException {
        for (String line :
                java.nio.file.Files.readAllLines(Path.of("/proc", process.pid() + "", "status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseLong(line.substring(7).trim(), 16) & 2L) != 0;
            }
        }
        return false;
    }

    private static ProcessHandle launcherJvm(Process sandbox) {
        return sandbox.toHandle();
    }

    private static void collect(Process process, List<String> output) {
        try (BufferedReader in =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                output.add(line);
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    private static String find(List<String> output, Pattern pattern) {
        for (String line : output) {
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                return m.group(1);
            }
        }
        return null;
    }

    private static boolean portOpen(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
