package io.streamwarehouse.local.services;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a server process when this JVM dies, however it dies. Shutdown hooks cover Ctrl-C and
 * SIGTERM, but not SIGKILL, the OOM killer or a crash, and a server started by this JVM (PostgreSQL
 * through pg_ctl, MariaDB) does not die with it: it would keep its port and its data until someone
 * noticed.
 *
 * <p>The watchdog is a small shell process that reads its standard input, a pipe from this JVM.
 * Only this JVM holds the writing end, so the read ends when the JVM is gone, whichever way it
 * went; the shell then signals the server, waits up to ten seconds and kills it if it is still
 * there. A parent-death signal would not do: Linux sends it when the thread that started the child
 * ends, and the services are started from a short-lived pool.
 */
final class ServerWatchdog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServerWatchdog.class);

    private static final String SCRIPT =
            "cat >/dev/null 2>&1\n"
                    + "kill -s \"$2\" \"$1\" 2>/dev/null || exit 0\n"
                    + "i=0\n"
                    + "while kill -0 \"$1\" 2>/dev/null && [ \"$i\" -lt 100 ]; do\n"
                    + "  sleep 0.1; i=$((i + 1))\n"
                    + "done\n"
                    + "kill -s KILL \"$1\" 2>/dev/null\n"
                    + "exit 0\n";

    private final Process process;

    private ServerWatchdog(Process process) {
        this.process = process;
    }

    /**
     * @param serverPid the server's main process
     * @param signal what stops the server at once and cleanly enough: {@code QUIT} for PostgreSQL
     *     (immediate shutdown, its backends go too), {@code TERM} for MariaDB
     */
    static ServerWatchdog watch(String name, long serverPid, String signal) {
        try {
            Process process =
                    new ProcessBuilder(
                                    List.of(
                                            "/bin/sh",
                                            "-c",
                                            SCRIPT,
                                            "watchdog-" + name,
                                            Long.toString(serverPid),
                                            signal))
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .redirectError(ProcessBuilder.Redirect.DISCARD)
                            .start();
            return new ServerWatchdog(process);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start the watchdog of " + name, e);
        }
    }

    /** The watchdog's own process, for tests that follow it. */
    ProcessHandle handle() {
        return process.toHandle();
    }

    /**
     * Ends the watchdog without letting it signal the server: for after the server was stopped the
     * normal way, when its pid may soon belong to another process.
     */
    @Override
    public void close() {
        // the shell first: once its reader ends, a living shell would signal the server
        List<ProcessHandle> reader = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                LOG.warn("The watchdog {} did not end on SIGTERM", process.pid());
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        reader.forEach(ProcessHandle::destroy);
    }
}
