package io.streamwarehouse.local.cli;

import io.streamwarehouse.local.sandbox.SampleWarehouse;
import io.streamwarehouse.local.services.LocalServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
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

    @Option(
            names = "--partitions",
            description =
                    "Partitions of the turnstile topic (default: turnstile.topic-partitions, 4);"
                            + " readings are keyed by turnstile.")
    Integer partitions;

    @Option(
            names = "--env-file",
            paramLabel = "FILE",
            description = "Also write the KEY=VALUE lines to this file.")
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
        Map<String, String> env = SampleWarehouse.provision(services, partitions);
        String lines =
                env.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(System.lineSeparator()));
        if (envFile != null) {
            Files.writeString(envFile, lines + System.lineSeparator());
        }
        System.out.println(lines);
        System.out.flush();
        System.err.printf(
                "services: up in %.1f s; Ctrl-C stops them and removes their data%n",
                services.startupTime().toMillis() / 1000.0);
        stopped.await();
        return 0;
    }
}
