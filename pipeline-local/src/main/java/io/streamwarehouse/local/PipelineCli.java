package io.streamwarehouse.local;

import io.streamwarehouse.local.cli.ConfigCommand;
import io.streamwarehouse.local.cli.ForgetCommand;
import io.streamwarehouse.local.cli.MigrateCommand;
import io.streamwarehouse.local.cli.ReconcileCommand;
import io.streamwarehouse.local.cli.ReplayCommand;
import io.streamwarehouse.local.cli.ReportCommand;
import io.streamwarehouse.local.cli.ResnapshotCommand;
import io.streamwarehouse.local.cli.RunCommand;
import io.streamwarehouse.local.cli.SandboxCommand;
import io.streamwarehouse.local.cli.ServicesCommand;
import io.streamwarehouse.local.cli.SimulateChangesCommand;
import io.streamwarehouse.local.cli.UserErrors;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The CLI behind {@code ./pipeline}. */
@Command(
        name = "pipeline",
        mixinStandardHelpOptions = true,
        versionProvider = PipelineCli.Version.class,
        description =
                "A streaming warehouse on Apache Flink: Sakila customer dimension and MTA turnstile aggregates in PostgreSQL.",
        subcommands = {
            SandboxCommand.class,
            ServicesCommand.class,
            MigrateCommand.class,
            ConfigCommand.class,
            ReportCommand.class,
            RunCommand.class,
            ResnapshotCommand.class,
            ReplayCommand.class,
            SimulateChangesCommand.class,
            ReconcileCommand.class,
            ForgetCommand.class,
            CommandLine.HelpCommand.class
        })
public final class PipelineCli {

    public static void main(String[] args) {
        // the binlog client logs every connect through java.util.logging at INFO
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new PipelineCli());
        cli.setExecutionExceptionHandler(UserErrors::handle);
        cli.setUsageHelpAutoWidth(true);
        return cli;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = PipelineCli.class.getPackage().getImplementationVersion();
            return new String[] {"pipeline " + (version == null ? "dev" : version)};
        }
    }
}
