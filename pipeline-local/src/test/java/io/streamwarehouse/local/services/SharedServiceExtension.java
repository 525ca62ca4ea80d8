package io.streamwarehouse.local.services;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts one server per test JVM, kept in the root store of JUnit so that every test class using
 * the same kind of extension shares it, and stopped when the JVM's test run ends. Isolation comes
 * from fresh databases or topics per class or test, which cost milliseconds instead of seconds.
 */
abstract class SharedServiceExtension<S extends AutoCloseable>
        implements BeforeAllCallback, BeforeEachCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(SharedServiceExtension.class);

    /** Shared by all extensions, so two instances never hand out the same name. */
    private static final AtomicInteger NAME_COUNTER = new AtomicInteger();

    private final Class<S> type;
    private final Supplier<S> starter;
    private volatile S service;

    SharedServiceExtension(Class<S> type, Supplier<S> starter) {
        this.type = type;
        this.starter = starter;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        ensureStarted(context);
    }

    /** Covers registration on an instance field, where beforeAll is not called. */
    @Override
    public void beforeEach(ExtensionContext context) {
        ensureStarted(context);
    }

    /**
     * The shared server.
     *
     * @throws IllegalStateException before JUnit has run the extension's callbacks
     */
    public S service() {
        S s = service;
        if (s == null) {
            throw new IllegalStateException(
                    getClass().getSimpleName()
                            + " has not started yet: register it with @RegisterExtension and use it"
                            + " from @BeforeAll, @BeforeEach or a test.");
        }
        return s;
    }

    /** A name no other caller in this JVM gets: lower-case prefix, underscore, a number. */
    static String uniqueName(String prefix, int maxLength) {
        String clean =
                prefix == null ? "" : prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (clean.isEmpty() || !Character.isLetter(clean.charAt(0))) {
            clean = "t_" + clean;
        }
        String suffix = "_" + NAME_COUNTER.incrementAndGet();
        if (clean.length() + suffix.length() > maxLength) {
            clean = clean.substring(0, maxLength - suffix.length());
        }
        return clean + suffix;
    }

    /**
     * Looks the server up on every callback rather than once: a static extension outlives a test
     * run when an IDE or a test kit launches several runs in one JVM, and each run has its own root
     * store and server.
     */
    private void ensureStarted(ExtensionContext context) {
        @SuppressWarnings("unchecked")
        Resource<S> resource =
                context.getRoot()
                        .getStore(NAMESPACE)
                        .getOrComputeIfAbsent(
                                type, key -> new Resource<>(starter.get()), Resource.class);
        service = resource.service;
    }

    private static final class Resource<S extends AutoCloseable>
            implements ExtensionContext.Store.CloseableResource {
        private final S service;

        Resource(S service) {
            this.service = service;
        }

        @Override
        public void close() throws Exception {
            service.close();
        }
    }
}
