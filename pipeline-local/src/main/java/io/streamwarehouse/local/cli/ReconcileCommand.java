package io.streamwarehouse.local.cli;

import io.streamwarehouse.reconcile.Difference;
import io.streamwarehouse.reconcile.Reconciliation;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "reconcile",
        mixinStandardHelpOptions = true,
        description = {
            "Compare the warehouse with its sources: the customer dimension against a direct join of"
                    + " the source tables (missing, extra and different rows), every staging load"
                    + " against its audit row, duplicate keys, and every station window against the"
                    + " sum of its turnstile windows. Forgotten customers are not differences.",
            "Prints each difference, records the run in audit.reconcile_run and"
                    + " audit.reconcile_difference, and exits with 1 if anything differs (after"
                    + " --fix: if anything still differs), 0 otherwise."
        })
public final class ReconcileCommand implements Callable<Integer> {

    /** Exit status when the warehouse and its sources differ. */
    public static final int DIFFERENCES = 1;

    @Option(
            names = "--fix",
            description =
                    "Write the source's version of every differing dimension row through the job's"
                            + " own writer (guarded by source version, audited as job 'reconcile')."
                            + " Other differences are reported, not repaired.")
    boolean fix;

    @Option(
            names = "--grace",
            defaultValue = "30 s",
            paramLabel = "DURATION",
            description =
                    "A difference counts only if a second look this much later finds it unchanged:"
                            + " changes still on their way through a job are not differences;"
                            + " 0 looks once (default: ${DEFAULT-VALUE}).")
    String grace;

    @Mixin ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        Duration wait = TimeUtils.parseDuration(grace);
        Reconciliation.Outcome outcome = new Reconciliation(config.load()).run(wait, fix);
        for (Difference d : outcome.found()) {
            System.out.println("  " + d);
        }
        System.out.println(summary(outcome, fix));
        return outcome.remaining().isEmpty() ? 0 : DIFFERENCES;
    }

    /** The last line, also the sandbox's progress: {@code reconciled: 0 differences}. */
    public static String summary(Reconciliation.Outcome outcome, boolean fix) {
        String line =
                "reconciled: "
                        + outcome.found().size()
                        + (outcome.found().size() == 1 ? " difference" : " differences");
        if (fix) {
            line += ", " + outcome.fixed() + " fixed, " + outcome.remaining().size() + " remaining";
        }
        return line + " (run " + outcome.runId() + ")";
    }
}
