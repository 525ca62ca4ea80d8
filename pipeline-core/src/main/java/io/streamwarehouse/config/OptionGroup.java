package io.streamwarehouse.config;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;

/**
 * The options of one part of the pipeline, declared beside what they configure. This package
 * imports no domain: {@link PipelineOptions#all()} finds the groups with {@link
 * java.util.ServiceLoader} ({@code META-INF/services/io.streamwarehouse.config.OptionGroup}), so a
 * group needs a public no-argument constructor.
 */
public interface OptionGroup {

    /** The group's options; {@link #declaredIn} finds them so a new option cannot be missed. */
    List<ConfigOption<?>> options();

    /** Options whose values are never printed. */
    default Set<ConfigOption<?>> secrets() {
        return Set.of();
    }

    /**
     * String options that reach SQL or the CDC connectors' table filters, which are regular
     * expressions: the pattern a value must match, only plain identifiers, so a value can neither
     * inject SQL nor widen what a job reads (a {@code .*} in a database name would capture every
     * database).
     */
    default Map<ConfigOption<String>, Pattern> identifiers() {
        return Map.of();
    }

    /** The public static {@link ConfigOption} fields of a class, in declaration order. */
    static List<ConfigOption<?>> declaredIn(Class<?> holder) {
        List<ConfigOption<?>> options = new ArrayList<>();
        for (Field field : holder.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers())
                    && ConfigOption.class.isAssignableFrom(field.getType())) {
                try {
                    options.add((ConfigOption<?>) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return Collections.unmodifiableList(options);
    }
}
