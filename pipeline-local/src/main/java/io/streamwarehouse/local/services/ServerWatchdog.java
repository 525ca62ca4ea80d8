package io.streamwarehouse.local.services;

import java.io.IOException;
import java.nio.file.Path;
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

    /*
     * $1 the server's pid file, $2 the signal, $3 a text its command line must contain. The pid is
     * read when the JVM is gone, not when the watchdog starts: a server restarted in between (a
     * test injecting an outage) has a new pid, and the old one may belong to another process by
     * then, which the command line check also guards against.
     */
    private static final String SCRIPT =
            "cat >/dev/null 2>&1\n"
                    + "pid=$(head -n 1 \"$1\" 2>/dev/null | tr -d ' \\r')\n"
                    + "case \"$pid\" in ''|*[!0-9]*) exit 0 ;; esac\n"
                    + "grep -qaF -- \"$3\" \"/proc/$pid/cmdline\" 2>/dev/null || exit 0\n"
                    + "kill -s \"$2\" \"$pid\" 2>/dev/null || exit 0\n"
                    + "i=0\n"
                    + "while kill -0 \"$pid\" 2>/dev/null && [ \"$i\" -lt 100 ]; do\n"
                    + "  sleep 0.1; i=$((i + 1))\n"
                    + "done\n"
                    + "kill -s KILL \"$pid\" 2>/dev/null\n"
                    + "exit 0\n";

    private final Process process;

    private ServerWatchdog(Process process) {
        this.process = process;
    }

    /**
     * @param pidFile where the server keeps the pid of its main process
     * @param commandLineMark a text of the server's command line that no other process has, such as
     *     its data directory
     * @param signal what stops the server at once and cleanly enough: {@code QUIT} for PostgreSQL
     *     (immediate shutdown, its backends go too), {@code TERM} for MariaDB
     */
    static ServerWatchdog watch(String name, Path pidFile, String commandLineMark, String signal) {
        try {
            Process process =
                    new ProcessBuilder(
                                    List.of(
                                            "/bin/sh",
                                            "-c",
                                            SCRIPT,
                                            "watchdog-" + name,
                                            pidFile.toString(),
                                            signal,
                                            commandLineMark))
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .redirectError(ProcessBuilder.Redirect.DISCARD)
                            .start();
            return new ServerWatchdog(process);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start the watchdog of " + name, e);
        }
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
