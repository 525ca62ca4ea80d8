package io.streamwarehouse.local.services;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the embedded servers share: a port on the loopback address (a free one unless one was asked
 * for), and a close that runs once, whether the code that started the server calls it or the JVM
 * exits first.
 */
public abstract class EmbeddedServer implements AutoCloseable {

    /** The port the server listens on. */
    protected final int port;

    private final String name;
    private final AtomicBoolean closed = new AtomicBoolean();
    private Thread shutdownHook;

    /**
     * @param name how messages and threads name the server, e.g. "PostgreSQL"
     * @param requestedPort the port asked for, or 0 for a free one
     */
    protected EmbeddedServer(String name, int requestedPort) {
        this.name = name;
        this.port = Ports.resolve(requestedPort, name);
    }

    public String host() {
        return Ports.LOOPBACK;
    }

    public int port() {
        return port;
    }

    /** To be called once the server runs: from then on the JVM's exit closes it too. */
    protected final void closeOnExit() {
        shutdownHook =
                new Thread(
                        this::close, name.toLowerCase().replace(' ', '-') + "-" + port + "-exit");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    @Override
    public final void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // Already shutting down: this is the hook itself.
            }
        }
        stop();
    }

    /** Stops the server and deletes what it wrote; runs once. */
    protected abstract void stop();
}
