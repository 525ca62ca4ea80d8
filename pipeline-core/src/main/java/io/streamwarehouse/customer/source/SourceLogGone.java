package io.streamwarehouse.customer.source;

/**
 * A restored customer job whose change-log position is no longer on the source: the MySQL binlog
 * file it had reached was purged (binlog_expire_logs_seconds, PURGE BINARY LOGS, a server rebuilt
 * from a backup). No restart can help; the only way on is a new snapshot.
 */
public final class SourceLogGone {
    private SourceLogGone() {}

    /** The one line a user sees. */
    public static final String MESSAGE =
            "the MySQL binlog position in the job's checkpoint is no longer on the server (purged)";

    /** What to do about it. */
    public static final String RECOVERY =
            "start the job again without that checkpoint and load the source afresh:"
                    + " ./pipeline resnapshot customer-dimension (on a cluster: README, Operations)";

    /**
     * Whether a job failure is the CDC source finding its binlog position gone. Both the Flink CDC
     * check before reading and Debezium's error on the server's refusal say so in these words.
     */
    public static boolean isCause(String failure) {
        return failure != null && failure.contains(SIGN);
    }

    /** As {@link #isCause(String)}, for a failure and its causes. */
    public static boolean isCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (isCause(t.getMessage())) {
                return true;
            }
        }
        return false;
    }

    private static final String SIGN = "no longer available on the server";
}
