package io.streamwarehouse.local.turnstile;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes raw record values, bytes as given (garbage included, which a String serializer could
 * not send), and returns the offset each landed at: the tests' expectations are keyed by the same
 * Kafka coordinates the job reports.
 */
final class KafkaRecords implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String bootstrapServers;

    KafkaRecords(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // in order and once each, so offsets follow the order of the list
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // the tests share two cores with the broker, PostgreSQL and a Flink cluster: a broker
        // starved for a while must delay the test data, not fail the test before the job runs
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "600000");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producer = new KafkaProducer<>(props);
        this.bootstrapServers = bootstrapServers;
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Sends the values in order (null sends a tombstone) and returns their offsets. */
    List<Long> send(String topic, List<byte[]> values) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (byte[] value : values) {
            sent.add(producer.send(new ProducerRecord<>(topic, null, value)));
        }
        producer.flush();
        List<Long> offsets = new ArrayList<>();
        for (Future<RecordMetadata> f : sent) {
            offsets.add(landed(f, topic).offset());
        }
        return offsets;
    }

    /** Sends records as given (key, explicit partition or none) and returns where each landed. */
    List<RecordMetadata> sendRecords(List<ProducerRecord<byte[], byte[]>> records)
            throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> record : records) {
            sent.add(producer.send(record));
        }
        producer.flush();
        List<RecordMetadata> landed = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            landed.add(landed(sent.get(i), records.get(i).topic()));
        }
        return landed;
    }

    /** A record's metadata, or a failure that says what the broker reported of the topic. */
    private RecordMetadata landed(Future<RecordMetadata> sent, String topic) throws Exception {
        try {
            return sent.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "a test record did not reach "
                            + topic
                            + "; the broker says: "
                            + describe(topic),
                    e.getCause());
        }
    }

    private String describe(String topic) {
        try (Admin admin =
                Admin.create(
                        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            return admin.describeCluster().nodes().get(10, TimeUnit.SECONDS)
                    + " "
                    + admin.describeTopics(List.of(topic))
                            .allTopicNames()
                            .get(10, TimeUnit.SECONDS)
                            .get(topic);
        } catch (Exception e) {
            return "nothing (" + e + ")";
        }
    }

    List<Long> sendText(String topic, List<String> values) throws Exception {
        List<byte[]> bytes = new ArrayList<>();
        for (String value : values) {
            bytes.add(utf8(value));
        }
        return send(topic, bytes);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
