package io.streamwarehouse.local.cli;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.customer.source.SourceNotReadyException;
import io.streamwarehouse.local.flink.LocalCluster;
import java.net.ConnectException;
import java.sql.SQLException;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Turns errors a user can cause (bad configuration, unreachable services, missing files) into one
 * clear line and a hint instead of a stack trace. Anything else is a bug and keeps its trace.
 */
public final class UserErrors {
    private UserErrors() {}

    public static int handle(Exception e, CommandLine cli, ParseResult parseResult) {
        String hint = hint(e);
        if (hint == null) {
            e.printStackTrace(cli.getErr());
            return 70;
        }
        cli.getErr().println("pipeline " + cli.getCommandName() + ": " + rootMessage(e));
        cli.getErr().println("  hint: " + hint);
        return 2;
    }

    static String hint(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PipelineConfig.ConfigException) {
                return "check --config, --set and PIPELINE_* variables; './pipeline config' lists every key";
            }
            if (t instanceof UserException user) {
                return user.hint();
            }
            if (t instanceof LocalCluster.LocalClusterException cluster) {
                return cluster.hint();
            }
            if (t instanceof SourceNotReadyException) {
                return "change the source settings listed above; sql/source has the scripts";
            }
            if (t instanceof SQLException sql
                    && sql.getSQLState() != null
                    && sql.getSQLState().startsWith("08")) {
                return "is the database running and reachable? check warehouse.jdbc-url / source.hostname and source.port";
            }
            if (t instanceof SQLException sql
                    && sql.getSQLState() != null
                    && sql.getSQLState().startsWith("28")) {
                return "check warehouse.username/password or source.username/password";
            }
            if (t instanceof TimeoutException) {
                return "is the job running and keeping up? its web UI shows; waiting longer may help";
            }
            if (t instanceof ConnectException) {
                return "is the service running? check the host and port in the configuration";
            }
        }
        return null;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null
                && !(t instanceof PipelineConfig.ConfigException)
                && !(t instanceof UserException)
                && !(t instanceof LocalCluster.LocalClusterException)
                && !(t instanceof SourceNotReadyException)) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** An error the user can fix, with the hint that says how. */
    public static final class UserException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String hint;

        public UserException(String message, String hint) {
            super(message);
            this.hint = hint;
        }

        public String hint() {
            return hint;
        }
    }
}
