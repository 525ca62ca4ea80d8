package io.streamwarehouse.config;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * The pipeline's settings, layered as every command-line tool layers them: defaults, then the
 * config file, then environment variables ({@code source.password} is read from {@code
 * PIPELINE_SOURCE_PASSWORD}), then {@code --env-file}, then {@code --set key=value}; later layers
 * win, so what is typed on the command line always wins. Unknown keys and unparsable values fail at
 * load time with the key named, so a typo never silently falls back to a default.
 */
public final class PipelineConfig implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String ENV_PREFIX = "PIPELINE_";

    private final Map<String, String> values;

    private PipelineConfig(Map<String, String> values) {
        this.values = Map.copyOf(values);
        validate();
    }

    public static PipelineConfig defaults() {
        return new PipelineConfig(Map.of());
    }

    public static PipelineConfig of(Map<String, String> values) {
        return new PipelineConfig(values);
    }

    /**
     * Loads the layers in order: file, environment, then {@code --set}.
     *
     * @param file a properties file ({@code key=value} or {@code key: value}), or null
     * @param sets {@code key=value} overrides from the command line
     * @param environment the process environment; only {@code PIPELINE_*} names are read
     */
    public static PipelineConfig load(
            Path file, List<String> sets, Map<String, String> environment) {
        Map<String, String> merged = new LinkedHashMap<>();
        if (file != null) {
            merged.putAll(fileSettings(file));
        }
        merged.putAll(environmentSettings(environment));
        merged.putAll(setSettings(sets));
        return new PipelineConfig(merged);
    }

    /** The configuration keys of {@code --set key=value} arguments, in order. */
    public static Map<String, String> setSettings(List<String> sets) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String set : sets) {
            int eq = set.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("--set needs key=value, got '" + set + "'");
            }
            values.put(set.substring(0, eq).trim(), set.substring(eq + 1).trim());
        }
        return values;
    }

    /** The configuration keys among {@code PIPELINE_*} variables; other variables are ignored. */
    public static Map<String, String> environmentSettings(Map<String, String> environment) {
        Map<String, String> values = new LinkedHashMap<>();
        for (ConfigOption<?> option : PipelineOptions.all()) {
            String value = environment.get(envName(option.key()));
            if (value != null) {
                values.put(option.key(), value);
            }
        }
        return values;
    }

    /** The settings layered as the command line's convention has it; later maps win. */
    public static PipelineConfig layered(List<Map<String, String>> layers) {
        Map<String, String> merged = new LinkedHashMap<>();
        layers.forEach(merged::putAll);
        return new PipelineConfig(merged);
    }

    /** {@code source.password} -> {@code PIPELINE_SOURCE_PASSWORD}. */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The settings of a {@code --config} properties file. */
    public static Map<String, String> fileSettings(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file not found: " + file);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        Map<String, String> values = new LinkedHashMap<>();
        properties.forEach((k, v) -> values.put(k.toString().trim(), v.toString().trim()));
        return values;
    }

    /**
     * Keys under this prefix are Flink's own settings, passed to the job's Flink configuration
     * without it ({@code flink.state.backend.rocksdb.use-bloom-filter=true}), after the jobs' own
     * settings, so a user can tune what the project does not decide; Flink checks them itself.
     */
    public static final String FLINK_PREFIX = "flink.";

    /** The {@link #FLINK_PREFIX} settings, prefix removed. */
    public Map<String, String> flinkSettings() {
        Map<String, String> flink = new TreeMap<>();
        values.forEach(
                (key, value) -> {
                    if (key.startsWith(FLINK_PREFIX)) {
                        flink.put(key.substring(FLINK_PREFIX.length()), value);
                    }
                });
        return flink;
    }

    private void validate() {
        Map<String, ConfigOption<?>> known =
                PipelineOptions.all().stream().collect(Collectors.toMap(ConfigOption::key, o -> o));
        for (String key : values.keySet()) {
            if (!known.containsKey(key) && !key.startsWith(FLINK_PREFIX)) {
                throw new ConfigException(
                        "unknown configuration key '"
                                + key
                                + "'; known keys: "
                                + String.join(", ", new TreeMap<>(known).keySet()));
            }
        }
        Configuration configuration = toFlinkConfiguration();
        for (ConfigOption<?> option : known.values()) {
            try {
                configuration.get(option);
            } catch (RuntimeException e) {
                throw new ConfigException(
                        "invalid value '"
                                + (isSecret(option.key()) ? "***" : values.get(option.key()))
                                + "' for "
                                + option.key()
                                + ": "
                                + option.description());
            }
        }
        validateIdentifiers(configuration);
    }

    /**
     * Names that reach SQL or the CDC connectors' table filters: see {@link
     * OptionGroup#identifiers()}.
     */
    private void validateIdentifiers(Configuration configuration) {
        PipelineOptions.allIdentifiers()
                .forEach(
                        (option, pattern) -> {
                            String value = configuration.get(option);
                            if (!pattern.matcher(value).matches()) {
                                throw new ConfigException(
                                        "invalid value '"
                                                + value
                                                + "' for "
                                                + option.key()
                                                + ": a plain name is expected, matching "
                                                + pattern.pattern());
                            }
                        });
    }

    public <T> T get(ConfigOption<T> option) {
        return toFlinkConfiguration().get(option);
    }

    public boolean contains(ConfigOption<?> option) {
        return values.containsKey(option.key());
    }

    /** A copy with one more value, later layers' rules applied (validated). */
    public PipelineConfig with(ConfigOption<?> option, Object value) {
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.put(option.key(), String.valueOf(value));
        return new PipelineConfig(copy);
    }

    public Configuration toFlinkConfiguration() {
        return Configuration.fromMap(values);
    }

    /** The explicitly set values, secrets masked: safe to log. */
    public Map<String, String> describe() {
        Map<String, String> shown = new TreeMap<>();
        values.forEach((k, v) -> shown.put(k, isSecret(k) ? "***" : v));
        return shown;
    }

    public Map<String, String> values() {
        return values;
    }

    private static boolean isSecret(String key) {
        return PipelineOptions.secretKeys().contains(key);
    }

    @Override
    public String toString() {
        return "PipelineConfig" + describe();
    }

    /** A configuration a user got wrong; the message says which key and what is expected. */
    public static final class ConfigException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public ConfigException(String message) {
            super(message);
        }
    }
}
