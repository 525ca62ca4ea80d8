package io.streamwarehouse.local.services;

/**
 * A Kafka broker shared by all tests of the JVM, with fresh topics per caller.
 *
 * <pre>{@code
 * @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
 *
 * @Test void test() {
 *     String topic = KAFKA.newTopic("readings", 3);
 *     ... KAFKA.bootstrapServers() ...
 * }
 * }</pre>
 */
public final class KafkaExtension extends SharedServiceExtension<KafkaService> {

    public KafkaExtension() {
        super(KafkaService.class, KafkaService::start);
    }

    /** Creates a one-partition topic with a name unique in this JVM and returns the name. */
    public String newTopic(String prefix) {
        return newTopic(prefix, 1);
    }

    /** Creates a topic with a name unique in this JVM and returns the name. */
    public String newTopic(String prefix, int partitions) {
        String name = newTopicName(prefix);
        service().createTopic(name, partitions);
        return name;
    }

    /**
     * A topic name unique in this JVM, without creating the topic: for code that relies on
     * auto-creation.
     */
    public String newTopicName(String prefix) {
        return uniqueName(prefix, 200);
    }

    public String bootstrapServers() {
        return service().bootstrapServers();
    }
}
