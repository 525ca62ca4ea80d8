package io.streamwarehouse.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServicesCommandTest {

    @Test
    void theEnvFileIsReadableByItsOwnerOnlyEvenWhereAWiderOneExisted(@TempDir Path dir)
            throws Exception {
        Path envFile = dir.resolve("pipeline.env");
        Files.writeString(envFile, "OLD=1\n");
        Files.setPosixFilePermissions(envFile, PosixFilePermissions.fromString("rw-r--r--"));

        ServicesCommand.writePrivately(envFile, "PIPELINE_WAREHOUSE_PASSWORD=secret\n");

        assertThat(Files.getPosixFilePermissions(envFile))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(envFile)).isEqualTo("PIPELINE_WAREHOUSE_PASSWORD=secret\n");
        try (var left = Files.list(dir)) {
            assertThat(left).as("no temporary file left").containsExactly(envFile);
        }
    }
}
