package io.streamwarehouse.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class OptionsTableTest {

    @Test
    void readmeHoldsTheGeneratedConfigurationTable() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        String begin = "<!-- options:begin -->\n";
        String end = "<!-- options:end -->";
        assertThat(readme).contains(begin).contains(end);
        String inReadme =
                readme.substring(readme.indexOf(begin) + begin.length(), readme.indexOf(end));
        assertThat(inReadme)
                .as("README table is stale: paste the output of ./pipeline config")
                .isEqualTo(OptionsTable.markdown());
    }

    @Test
    void tableListsEveryKeyWithItsEnvironmentName() {
        String table = OptionsTable.markdown();
        for (var option : PipelineOptions.all()) {
            assertThat(table)
                    .contains("`" + option.key() + "`")
                    .contains(PipelineConfig.envName(option.key()));
        }
        assertThat(table).contains("mysql \\| postgres").contains("`1 h`");
    }
}
