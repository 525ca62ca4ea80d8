package io.streamwarehouse.local.cli;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.config.PipelineOptions;
import io.streamwarehouse.local.sandbox.SampleWarehouse;
import io.streamwarehouse.local.services.LocalServices;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "services",
        mixinStandardHelpOptions = true,
        description = {
            "Start real MariaDB (binlog on, Sakila-shaped sample data, a least-privilege CDC user),"
                    + " PostgreSQL (warehouse migrated) and Kafka (KRaft) on 127.0.0.1, print their"
                    + " settings as KEY=VALUE lines and keep them up until Ctrl-C.",
            "Use the lines with: ./pipeline run JOB --env-file FILE"
        })
public final class ServicesCommand implements Callable<Integer> {

    @Mixin TopicPartitions topic;

    @Option(
            names = "--env-file",
            paramLabel = "FILE",
            description =
                    "Write the KEY=VALUE lines to this file, readable by you only (0600); the"
                            + " passwords are then masked in the printed lines.")
    Path envFile;

    @Option(
            names = "--mariadb-port",
            defaultValue = "0",
            description = "MariaDB port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int mariaDbPort;

    @Option(
            names = "--postgres-port",
            defaultValue = "0",
            description = "PostgreSQL port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int postgresPort;

    @Option(
            names = "--kafka-port",
            defaultValue = "0",
            description = "Kafka port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Override
    public Integer call() throws Exception {
        System.err.println("services: starting MariaDB, PostgreSQL and Kafka...");
        LocalServices services =
                LocalServices.builder()
                        .mariaDbPort(mariaDbPort)
                        .postgresPort(postgresPort)
                        .kafkaPort(kafkaPort)
                        .start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    System.err.println("services: stopping");
                                    services.close();
                                    stopped.countDown();
                                }));
        Map<String, String> env =
                SampleWarehouse.provision(
                        services,
                        topic.count(PipelineConfig.load(null, List.of(), System.getenv())));
        if (envFile != null) {
            writePrivately(envFile, lines(env, false) + System.lineSeparator());
        }
        // with a file to read them from, a terminal or a captured log needs no passwords
        System.out.println(lines(env, envFile != null));
        System.out.flush();
        System.err.printf(
                "services: up in %.1f s; Ctrl-C stops them and removes their data%n",
                services.startupTime().toMillis() / 1000.0);
        stopped.await();
        return 0;
    }

    private static String lines(Map<String, String> env, boolean maskSecrets) {
        return env.entrySet().stream()
                .map(
                        e ->
                                e.getKey()
                                        + "="
                                        + (maskSecrets && isSecret(e.getKey())
                                                ? "***"
                                                : e.getValue()))
                .collect(Collectors.joining(System.lineSeparator()));
    }

    private static boolean isSecret(String name) {
        return name.endsWith("_PASSWORD")
                || PipelineOptions.secretKeys().stream()
                        .map(PipelineConfig::envName)
                        .anyMatch(name::equals);
    }

    /**
     * Written to a new file that is 0600 from its creation, then moved over the target: the
     * passwords are never readable by others, not even for a moment, and an existing file with
     * wider rights is replaced rather than reused.
     */
    static void writePrivately(Path file, String content) throws IOException {
        Path target = file.toAbsolutePath();
        Path temporary =
                Files.createTempFile(
                        target.getParent(),
                        "." + target.getFileName(),
                        ".tmp",
                        PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(temporary, content, StandardCharsets.UTF_8);
            Files.move(
                    temporary,
                    target,
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
