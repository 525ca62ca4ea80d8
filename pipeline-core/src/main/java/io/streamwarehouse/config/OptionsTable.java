package io.streamwarehouse.config;

import java.util.Locale;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.description.HtmlFormatter;

/**
 * The configuration reference as a Markdown table, generated from {@link PipelineOptions#all()}
 * (every {@link OptionGroup}, in the order of {@link PipelineOptions#SECTIONS}) so the README
 * cannot drift from the code (a test compares the two).
 */
public final class OptionsTable {
    private OptionsTable() {}

    public static String markdown() {
        StringBuilder table = new StringBuilder();
        table.append("| key | environment variable | type | default | description |\n");
        table.append("|---|---|---|---|---|\n");
        HtmlFormatter formatter = new HtmlFormatter();
        for (ConfigOption<?> option : PipelineOptions.all()) {
            table.append("| `")
                    .append(option.key())
                    .append("` | `")
                    .append(PipelineConfig.envName(option.key()))
                    .append("` | ")
                    .append(type(option))
                    .append(" | ")
                    .append(defaultValue(option))
                    .append(" | ")
                    .append(formatter.format(option.description()).replace("|", "\\|"))
                    .append(" |\n");
        }
        return table.toString();
    }

    private static String type(ConfigOption<?> option) {
        Class<?> clazz = clazz(option);
        if (clazz.isEnum()) {
            StringBuilder values = new StringBuilder();
            for (Object constant : clazz.getEnumConstants()) {
                values.append(values.length() == 0 ? "" : " \\| ").append(constant);
            }
            return values.toString();
        }
        return clazz.getSimpleName().toLowerCase(Locale.ROOT);
    }

    private static Class<?> clazz(ConfigOption<?> option) {
        try {
            var method = ConfigOption.class.getDeclaredMethod("getClazz");
            method.setAccessible(true);
            return (Class<?>) method.invoke(option);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String defaultValue(ConfigOption<?> option) {
        if (!option.hasDefaultValue()) {
            return "(none)";
        }
        if (PipelineOptions.secretKeys().contains(option.key())) {
            return "(empty)";
        }
        Object value = option.defaultValue();
        if (value instanceof java.time.Duration duration) {
            return "`" + org.apache.flink.util.TimeUtils.formatWithHighestUnit(duration) + "`";
        }
        return "`" + value + "`";
    }
}
