package io.streamwarehouse.local.turnstile;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * Waits for a condition by polling it until a deadline. Jobs commit to the warehouse one checkpoint
 * after the data arrives, at a moment no test can predict, so results are polled for; a deadline
 * turns a hang into a failure that names what never happened.
 */
final class Poll {
    private static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private Poll() {}

    /** Polls {@code value} until {@code done} accepts it and returns that value. */
    static <T> T until(String what, Duration timeout, Callable<T> value, Predicate<T> done)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = value.call();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "timed out after " + timeout + " waiting for " + what + "; last: " + last);
            }
            LockSupport.parkNanos(INTERVAL_NANOS);
            last = value.call();
        }
        return last;
    }

    static void until(String what, Duration timeout, Callable<Boolean> condition) throws Exception {
        until(what, timeout, condition, Boolean::booleanValue);
    }
}
