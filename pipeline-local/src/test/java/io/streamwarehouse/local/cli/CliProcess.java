package io.streamwarehouse.local.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * {@code ./pipeline ARGS} as its own JVM: the launcher's main class, JVM flags and classpath (this
 * build's), without the launcher's build step. Standard output and standard error are kept apart
 * and line by line, because {@code services} prints its settings on one and logs on the other.
 */
public final class CliProcess implements AutoCloseable {
    private final Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final List<Thread> followers;

    private CliProcess(Process process) {
        this.process = process;
        this.followers =
                List.of(
                        follow(process.getInputStream(), stdout, "stdout"),
                        follow(process.getErrorStream(), stderr, "stderr"));
    }

    /**
     * @param tmpDir the child's {@code java.io.tmpdir}: where its services and Flink put files
     * @param log4jConfig a log4j2 configuration file, or null for the launcher's
     * @param environment added to this JVM's environment, minus its {@code PIPELINE_*} variables
     */
    public static CliProcess start(
            Path tmpDir, Path log4jConfig, Map<String, String> environment, String... args)
            throws IOException {
        Files.createDirectories(tmpDir);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx2g");
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("--add-exports"))
                .forEach(command::add);
        command.add("-Djava.io.tmpdir=" + tmpDir);
        command.add(
                "-Dlog4j.configurationFile="
                        + (log4jConfig == null ? "log4j2-cli.properties" : log4jConfig.toUri()));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.streamwarehouse.local.PipelineCli");
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("PIPELINE_"));
        builder.environment().putAll(environment);
        return new CliProcess(builder.start());
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    public List<String> stdout() {
        return stdout;
    }

    public List<String> stderr() {
        return stderr;
    }

    /** Both streams, standard output first. */
    public String allOutput() {
        return String.join("\n", stdout) + "\n" + String.join("\n", stderr);
    }

    /**
     * Waits for a line of standard output or error that matches, failing early if the process ends.
     */
    public String awaitLine(Predicate<String> matches, Duration timeout) throws Exception {
        try {
            return Awaitility.await("a line of the process")
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(200))
                    .failFast(
                            "the process ended",
                            () -> !process.isAlive() && firstMatch(matches) == null)
                    .until(() -> firstMatch(matches), line -> line != null);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new AssertionError(e.getMessage() + ":\n" + allOutput(), e);
        }
    }

    private String firstMatch(Predicate<String> matches) {
        for (List<String> lines : List.of(stdout, stderr)) {
            for (String line : lines) {
                if (matches.test(line)) {
                    return line;
                }
            }
        }
        return null;
    }

    /** Keeps what the process printed so far, for a person reading a failed run. */
    public void saveOutput(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, allOutput(), StandardCharsets.UTF_8);
    }

    /** Waits for the process to end, and for the last of its output; returns its exit status. */
    public int waitForExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running after " + timeout + ":\n" + allOutput());
        }
        for (Thread follower : followers) {
            follower.join(timeout.toMillis());
        }
        return process.exitValue();
    }

    /** SIGTERM, as {@code kill} sends it: shutdown hooks run. */
    public boolean terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** SIGKILL: no shutdown hook runs. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive() && !terminate(Duration.ofSeconds(60))) {
            kill();
        }
    }

    /** The process listening on a TCP port of this machine, as {@code ss} tells. */
    public static Optional<ProcessHandle> listeningOn(int port) throws Exception {
        Pattern local = Pattern.compile(":" + port + "$");
        Pattern pid = Pattern.compile("pid=(\\d+),");
        for (String line : ss()) {
            String[] fields = line.trim().split("\\s+");
            Matcher m = pid.matcher(line);
            if (fields.length > 3 && local.matcher(fields[3]).find() && m.find()) {
                return ProcessHandle.of(Long.parseLong(m.group(1)));
            }
        }
        return Optional.empty();
    }

    /** Local addresses of the process's listening TCP sockets, as {@code ss} prints them. */
    public static List<String> listeningAddresses(long pid) throws Exception {
        List<String> addresses = new ArrayList<>();
        for (String line : ss()) {
            if (line.contains("pid=" + pid + ",")) {
                addresses.add(line.trim().split("\\s+")[3]);
            }
        }
        return addresses;
    }

    private static List<String> ss() throws Exception {
        Process ss = new ProcessBuilder("ss", "-ltnpH").redirectErrorStream(true).start();
        String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!ss.waitFor(30, TimeUnit.SECONDS) || ss.exitValue() != 0) {
            throw new IllegalStateException("ss failed: " + out);
        }
        return out.lines().collect(Collectors.toList());
    }

    private static Thread follow(InputStream stream, List<String> lines, String name) {
        Thread reader =
                new Thread(
                        () -> {
                            try (BufferedReader in =
                                    new BufferedReader(
                                            new InputStreamReader(
                                                    stream, StandardCharsets.UTF_8))) {
                                String line;
                                while ((line = in.readLine()) != null) {
                                    lines.add(line);
                                }
                            } catch (IOException ended) {
                                // the process ended
                            }
                        },
                        "cli-" + name);
        reader.setDaemon(true);
        reader.start();
        return reader;
    }
}
