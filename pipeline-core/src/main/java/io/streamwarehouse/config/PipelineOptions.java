package io.streamwarehouse.config;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;

/**
 * The options every job shares (checkpoints, parallelism, the web UI of a local run), and the
 * catalogue of all options. The domains' options are declared beside what they configure ({@code
 * customer.CustomerOptions}, {@code turnstile.TurnstileOptions}, {@code
 * warehouse.WarehouseOptions}) and found as {@link OptionGroup}s. The keys are a contract with
 * users and scripts: rename none of them.
 */
public final class PipelineOptions implements OptionGroup {

    /** For {@link ServiceLoader}; the options are the constants. */
    public PipelineOptions() {}

    // ---- runtime ----

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            key("checkpoint.interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "Exactly-once checkpoint interval; warehouse writes become visible at each checkpoint.");

    public static final ConfigOption<String> CHECKPOINT_DIR =
            key("checkpoint.dir")
                    .stringType()
                    .defaultValue("file:///tmp/streamwarehouse/checkpoints")
                    .withDescription(
                            "Durable checkpoint storage URI (file://, s3://, ...); {job} stands for the job's name.");

    public static final ConfigOption<Integer> JOB_PARALLELISM =
            key("job.parallelism")
                    .intType()
                    .defaultValue(1)
                    .withDescription("Default parallelism of the job's operators.");

    public static final ConfigOption<Integer> WEB_PORT =
            key("web.port")
                    .intType()
                    .defaultValue(8081)
                    .withDescription(
                            "Port of the Flink web UI of a local run (0 picks a free one).");

    @Override
    public List<ConfigOption<?>> options() {
        return OptionGroup.declaredIn(PipelineOptions.class);
    }

    /**
     * The order of {@link #all()}, of the configuration table and of error messages, by the first
     * segment of a key: sections in this order, within a section the order of declaration.
     */
    public static final List<String> SECTIONS =
            List.of(
                    "source",
                    "warehouse",
                    "kafka",
                    "turnstile",
                    "customer",
                    "checkpoint",
                    "job",
                    "web");

    /** Keys whose values are never printed. */
    public static Set<String> secretKeys() {
        return Catalogue.INSTANCE.secretKeys;
    }

    /** All options of all groups, in the order of {@link #SECTIONS}. */
    public static List<ConfigOption<?>> all() {
        return Catalogue.INSTANCE.options;
    }

    /** The pattern each identifier option must match (see {@link OptionGroup#identifiers()}). */
    public static Map<ConfigOption<String>, Pattern> allIdentifiers() {
        return Catalogue.INSTANCE.identifiers;
    }

    /** The groups, loaded once with the class loader of this package. */
    private static final class Catalogue {
        static final Catalogue INSTANCE = new Catalogue();

        final List<ConfigOption<?>> options;
        final Set<String> secretKeys;
        final Map<ConfigOption<String>, Pattern> identifiers;

        private Catalogue() {
            List<OptionGroup> groups = new ArrayList<>();
            ServiceLoader.load(OptionGroup.class, OptionGroup.class.getClassLoader())
                    .forEach(groups::add);
            // Service files of several jars come in class path order: sort the groups by name.
            groups.sort(Comparator.comparing(group -> group.getClass().getName()));
            List<ConfigOption<?>> found = new ArrayList<>();
            Set<String> keys = new HashSet<>();
            Set<String> secrets = new HashSet<>();
            Map<ConfigOption<String>, Pattern> patterns = new LinkedHashMap<>();
            for (OptionGroup group : groups) {
                for (ConfigOption<?> option : group.options()) {
                    if (!keys.add(option.key())) {
                        throw new IllegalStateException("option declared twice: " + option.key());
                    }
                    found.add(option);
                }
                group.secrets().forEach(option -> secrets.add(option.key()));
                patterns.putAll(group.identifiers());
            }
            // List.sort is stable: the order of declaration stays within a section.
            found.sort(Comparator.comparingInt(option -> section(option.key())));
            this.options = Collections.unmodifiableList(found);
            this.secretKeys = Set.copyOf(secrets);
            this.identifiers = Collections.unmodifiableMap(patterns);
        }

        private static int section(String key) {
            int index = SECTIONS.indexOf(key.substring(0, Math.max(0, key.indexOf('.'))));
            if (index < 0) {
                throw new IllegalStateException(
                        "option " + key + " is in no section of PipelineOptions.SECTIONS");
            }
            return index;
        }
    }
}
