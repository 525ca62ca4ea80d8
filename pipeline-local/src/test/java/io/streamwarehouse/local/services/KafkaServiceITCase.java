package io.streamwarehouse.local.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The embedded broker takes records and hands them back, on created and auto-created topics. */
class KafkaServiceITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @Test
    void recordsProducedToACreatedTopicAreConsumedFromAllPartitions() throws Exception {
        String topic = KAFKA.newTopic("turnstile", 3);
        List<String> sent =
                IntStream.range(0, 300).mapToObj(i -> "reading-" + i).collect(Collectors.toList());

        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < sent.size(); i++) {
                producer.send(new ProducerRecord<>(topic, i % 3, "station-" + i % 7, sent.get(i)));
            }
            producer.flush();
        }
        List<ConsumerRecord<String, String>> received = consume(topic, sent.size());

        assertThat(received)
                .extracting(ConsumerRecord::value)
                .containsExactlyInAnyOrderElementsOf(sent);
        assertThat(received.stream().map(ConsumerRecord::partition).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(0, 1, 2);
        try (Admin admin = admin()) {
            assertThat(
                            admin.describeTopics(List.of(topic))
                                    .allTopicNames()
                                    .get(30, TimeUnit.SECONDS)
                                    .get(topic)
                                    .partitions())
                    .hasSize(3);
        }
    }

    @Test
    void producingToAnUnknownTopicCreatesItWithOnePartition() throws Exception {
        String topic = KAFKA.newTopicName("auto");

        try (KafkaProducer<String, String> producer = producer()) {
            producer.send(new ProducerRecord<>(topic, "k", "first")).get(30, TimeUnit.SECONDS);
        }
        List<ConsumerRecord<String, String>> received = consume(topic, 1);

        assertThat(received).extracting(ConsumerRecord::value).containsExactly("first");
        try (Admin admin = admin()) {
            assertThat(
                            admin.describeTopics(List.of(topic))
                                    .allTopicNames()
                                    .get(30, TimeUnit.SECONDS)
                                    .get(topic)
                                    .partitions())
                    .hasSize(1);
        }
    }

    @Test
    void creatingAnExistingTopicFails() {
        String topic = KAFKA.newTopic("twice");

        assertThatThrownBy(() -> KAFKA.service().createTopic(topic, 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(topic);
    }

    private static KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        KAFKA.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true),
                new StringSerializer(),
                new StringSerializer());
    }

    private static Admin admin() {
        return Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()));
    }

    /** Polls until {@code expected} records arrived; fails after 60 s. */
    private static List<ConsumerRecord<String, String>> consume(String topic, int expected) {
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        Set<String> seenOffsets = new HashSet<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                KAFKA.bootstrapServers(),
                                ConsumerConfig.GROUP_ID_CONFIG,
                                topic + "-reader",
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                "earliest"),
                        new StringDeserializer(),
                        new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (received.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    if (seenOffsets.add(record.partition() + "@" + record.offset())) {
                        received.add(record);
                    }
                }
            }
        }
        assertThat(received).as("records consumed from %s within 60 s", topic).hasSize(expected);
        return received;
    }
}
