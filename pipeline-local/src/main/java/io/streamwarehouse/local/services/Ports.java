package io.streamwarehouse.local.services;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Ports on the loopback interface for the embedded services. */
final class Ports {

    static final String LOOPBACK = "127.0.0.1";

    /**
     * Ports already handed out in this JVM. The operating system may offer the same free port twice
     * when services start concurrently, before the first one has bound it.
     */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private Ports() {}

    /**
     * Returns {@code requested} if it is free, a free port if it is 0.
     *
     * @throws IllegalStateException naming the port and the service if the chosen port is busy
     */
    static int resolve(int requested, String service) {
        if (requested < 0 || requested > 65535) {
            throw new IllegalArgumentException(
                    service + " port must be between 0 (any free port) and 65535: " + requested);
        }
        if (requested != 0) {
            requireFree(requested, service);
            HANDED_OUT.add(requested);
            return requested;
        }
        for (int attempt = 0; attempt < 50; attempt++) {
            int candidate = bindAndRelease(0);
            if (HANDED_OUT.add(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("No free port found on " + LOOPBACK + " for " + service);
    }

    /**
     * @throws IllegalStateException naming the port and the service if the port is busy
     */
    static void requireFree(int port, String service) {
        if (!isFree(port)) {
            throw new IllegalStateException(
                    "Cannot start "
                            + service
                            + ": port "
                            + port
                            + " on "
                            + LOOPBACK
                            + " is already in use. Stop whatever listens there or choose"
                            + " another port (0 picks a free one).");
        }
    }

    static boolean isFree(int port) {
        try {
            bindAndRelease(port);
            return true;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    private static int bindAndRelease(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            // The servers bind with SO_REUSEADDR too, so connections lingering in TIME_WAIT after
            // a previous run do not make a port busy, while a listening process still does.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port), 1);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
