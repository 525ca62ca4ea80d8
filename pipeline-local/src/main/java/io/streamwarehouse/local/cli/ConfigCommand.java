package io.streamwarehouse.local.cli;

import io.streamwarehouse.config.OptionsTable;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description =
                "List every configuration key (Markdown table), or with --show the effective values of this invocation (secrets masked).")
public final class ConfigCommand implements Callable<Integer> {

    @Option(
            names = "--show",
            description = "Print the values set by --config, --set and PIPELINE_* variables.")
    boolean show;

    @Mixin ConfigOptions config;

    @Override
    public Integer call() {
        if (show) {
            for (Map.Entry<String, String> e : config.load().describe().entrySet()) {
                System.out.println(e.getKey() + "=" + e.getValue());
            }
        } else {
            System.out.print(OptionsTable.markdown());
        }
        return 0;
    }
}
