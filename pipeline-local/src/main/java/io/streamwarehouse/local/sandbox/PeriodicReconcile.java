package io.streamwarehouse.local.sandbox;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.reconcile.Reconciliation;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./pipeline reconcile} once a minute while the sandbox runs, as a scheduler would run it;
 * its last result is part of the progress line and every run is in {@code audit.reconcile_run}.
 */
public final class PeriodicReconcile implements AutoCloseable {
    private final Reconciliation reconciliation;
    private final Duration grace;
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(
                    r -> {
                        Thread t = new Thread(r, "sandbox-reconcile");
                        t.setDaemon(true);
                        return t;
                    });
    private volatile String last = "reconciled: not yet";

    /**
     * @param grace how long a difference must stay unchanged to count: a few checkpoints, so
     *     simulated changes on their way through the job are not reported
     */
    public PeriodicReconcile(PipelineConfig settings, Duration grace) {
        this.reconciliation = new Reconciliation(settings);
        this.grace = grace;
    }

    /** Runs the first reconciliation after {@code delay}, then one a minute after each ends. */
    public PeriodicReconcile start(Duration delay) {
        scheduler.scheduleWithFixedDelay(
                this::reconcileOnce, delay.toSeconds(), 60, TimeUnit.SECONDS);
        return this;
    }

    private void reconcileOnce() {
        try {
            Reconciliation.Outcome outcome = reconciliation.run(grace, false);
            int n = outcome.remaining().size();
            last = "reconciled: " + n + (n == 1 ? " difference" : " differences");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            last = "reconciled: failed (" + e.getMessage() + ")";
        }
    }

    /** e.g. {@code reconciled: 0 differences}. */
    public String line() {
        return last;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    @Override
    public String toString() {
        return "reconciliation";
    }
}
