package io.streamwarehouse.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamwarehouse.customer.CustomerOptions;
import io.streamwarehouse.customer.EmailPolicy;
import io.streamwarehouse.customer.source.SourceDialect;
import io.streamwarehouse.turnstile.TurnstileOptions;
import io.streamwarehouse.turnstile.parse.RecordFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineConfigTest {

    @Test
    void laterLayersWin(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pipeline.properties");
        Files.writeString(
                file,
                "source.type=postgres\nturnstile.window: 15 min\nsource.hostname=from-file\n");

        PipelineConfig config =
                PipelineConfig.load(
                        file,
                        List.of("source.hostname=from-set", "turnstile.max-per-hour=500"),
                        Map.of(
                                "PIPELINE_SOURCE_PASSWORD", "s3cret",
                                "PIPELINE_TURNSTILE_MAX_PER_HOUR", "700",
                                "UNRELATED", "x"));

        assertThat(config.get(CustomerOptions.SOURCE_TYPE)).isEqualTo(SourceDialect.POSTGRES);
        assertThat(config.get(TurnstileOptions.TURNSTILE_WINDOW)).isEqualTo(Duration.ofMinutes(15));
        assertThat(config.get(CustomerOptions.SOURCE_HOSTNAME)).isEqualTo("from-set");
        assertThat(config.get(TurnstileOptions.TURNSTILE_MAX_PER_HOUR))
                .as("what is typed on the command line wins over the environment")
                .isEqualTo(500L);
        assertThat(config.get(CustomerOptions.SOURCE_PASSWORD)).isEqualTo("s3cret");
        assertThat(CustomerOptions.sourcePort(config)).isEqualTo(5432);
    }

    @Test
    void flinkKeysPassThroughWithoutTheirPrefixAndOtherUnknownKeysStillFail() {
        PipelineConfig config =
                PipelineConfig.of(
                        Map.of(
                                "flink.state.backend.rocksdb.use-bloom-filter",
                                "true",
                                "turnstile.window",
                                "15 min"));
        assertThat(config.flinkSettings())
                .containsExactly(Map.entry("state.backend.rocksdb.use-bloom-filter", "true"));
        assertThatThrownBy(() -> PipelineConfig.of(Map.of("flinkx.parallelism", "2")))
                .hasMessageContaining("unknown configuration key 'flinkx.parallelism'");
    }

    @Test
    void defaultsApplyWhenNothingIsSet() {
        PipelineConfig config = PipelineConfig.defaults();
        assertThat(config.get(TurnstileOptions.TURNSTILE_FORMAT)).isEqualTo(RecordFormat.MTA_CSV);
        assertThat(config.get(TurnstileOptions.TURNSTILE_MAX_GAP)).isEqualTo(Duration.ofHours(24));
        assertThat(CustomerOptions.sourcePort(config)).isEqualTo(3306);
    }

    @Test
    void enumValuesUseTheirDocumentedSpelling() {
        PipelineConfig config =
                PipelineConfig.of(
                        Map.of(
                                "turnstile.format",
                                "producer-csv",
                                "customer.email-mode",
                                "hashed"));
        assertThat(config.get(TurnstileOptions.TURNSTILE_FORMAT))
                .isEqualTo(RecordFormat.PRODUCER_CSV);
        assertThat(config.get(CustomerOptions.CUSTOMER_EMAIL_MODE))
                .isEqualTo(EmailPolicy.Mode.HASHED);
    }

    @Test
    void envNamesFollowTheContract() {
        assertThat(PipelineConfig.envName("source.password")).isEqualTo("PIPELINE_SOURCE_PASSWORD");
        assertThat(PipelineConfig.envName("warehouse.jdbc-url"))
                .isEqualTo("PIPELINE_WAREHOUSE_JDBC_URL");
    }

    @Test
    void unknownKeyIsRejectedByName() {
        assertThatThrownBy(() -> PipelineConfig.of(Map.of("turnstile.windw", "1 h")))
                .isInstanceOf(PipelineConfig.ConfigException.class)
                .hasMessageContaining("unknown configuration key 'turnstile.windw'")
                .hasMessageContaining("turnstile.window");
    }

    @Test
    void badValueNamesKeyAndHidesSecrets() {
        assertThatThrownBy(() -> PipelineConfig.of(Map.of("turnstile.window", "soon")))
                .isInstanceOf(PipelineConfig.ConfigException.class)
                .hasMessageContaining("'soon'")
                .hasMessageContaining("turnstile.window");
        assertThatThrownBy(() -> PipelineConfig.of(Map.of("source.type", "oracle")))
                .hasMessageContaining("source.type");
    }

    @Test
    void namesThatReachSqlOrTableFiltersMustBePlainIdentifiers() {
        assertThatThrownBy(() -> PipelineConfig.of(Map.of("source.database", "sakila.*")))
                .isInstanceOf(PipelineConfig.ConfigException.class)
                .hasMessageContaining("source.database");
        assertThatThrownBy(() -> PipelineConfig.of(Map.of("source.schema", "public; DROP")))
                .isInstanceOf(PipelineConfig.ConfigException.class)
                .hasMessageContaining("source.schema");
        assertThatThrownBy(() -> PipelineConfig.of(Map.of("source.slot-name", "Slot'x")))
                .isInstanceOf(PipelineConfig.ConfigException.class)
                .hasMessageContaining("source.slot-name");
        assertThat(
                        PipelineConfig.of(
                                        Map.of(
                                                "source.database", "sakila_2",
                                                "source.schema", "Sales",
                                                "source.slot-name", "dim_customer_7"))
                                .get(CustomerOptions.SOURCE_SCHEMA))
                .isEqualTo("Sales");
    }

    @Test
    void secretsAreMaskedWhenDescribed() {
        PipelineConfig config =
                PipelineConfig.of(Map.of("source.password", "hunter2", "warehouse.password", "pw"));
        assertThat(config.toString()).doesNotContain("hunter2").doesNotContain("=pw");
        assertThat(config.describe()).containsEntry("source.password", "***");
        assertThat(PipelineOptions.secretKeys())
                .as("each group declares its secrets")
                .containsExactlyInAnyOrder(
                        "source.password", "warehouse.password", "customer.email-hash-key");
    }

    @Test
    void missingFileIsAClearError(@TempDir Path dir) {
        assertThatThrownBy(() -> PipelineConfig.load(dir.resolve("nope"), List.of(), Map.of()))
                .hasMessageStartingWith("config file not found");
        assertThatThrownBy(() -> PipelineConfig.load(null, List.of("novalue"), Map.of()))
                .hasMessageContaining("key=value");
    }

    @Test
    void everyOptionHasADescription() {
        assertThat(PipelineOptions.all())
                .hasSizeGreaterThan(20)
                .allSatisfy(o -> assertThat(o.description().toString()).isNotBlank());
    }
}
