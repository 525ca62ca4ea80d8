package io.streamwarehouse.local.replay;

import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes lines to a topic in order, optionally paced by their reading time: with a speed-up of
 * N, a reading that is T after the first one is sent T/N after the start (10080 sends a week in a
 * minute). Idempotent producer with acks=all, so a broker hiccup does not duplicate readings.
 */
public final class TopicPublisher implements AutoCloseable {
    /** Progress at most this often: beside the sandbox's own line, every 5 s, it is news. */
    private static final long REPORT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final KafkaProducer<String, String> producer;
    private final PrintStream progress;

    public TopicPublisher(String bootstrapServers, PrintStream progress) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        this.producer = new KafkaProducer<>(props);
        this.progress = progress;
    }

    /**
     * @param speedup 0 sends as fast as possible
     * @return the number of records sent
     */
    public long publish(String topic, List<WeeklyFiles.Line> lines, double speedup)
            throws Exception {
        long start = System.nanoTime();
        long lastReport = start;
        LocalDateTime first =
                lines.stream()
                        .map(WeeklyFiles.Line::readingTime)
                        .filter(t -> t != null)
                        .findFirst()
                        .orElse(null);
        long sent = 0;
        for (WeeklyFiles.Line line : lines) {
            if (speedup > 0 && first != null && line.readingTime() != null) {
                long dueNanos =
                        (long) (Duration.between(first, line.readingTime()).toNanos() / speedup);
                long waitNanos = dueNanos - (System.nanoTime() - start);
                if (waitNanos > 0) {
                    producer.flush();
                    TimeUnit.NANOSECONDS.sleep(waitNanos);
                }
            }
            producer.send(new ProducerRecord<>(topic, line.key(), line.value()));
            sent++;
            long now = System.nanoTime();
            if (now - lastReport >= REPORT_INTERVAL_NANOS) {
                lastReport = now;
                report(sent, lines.size(), start, line.readingTime());
            }
        }
        producer.flush();
        report(sent, lines.size(), start, null);
        return sent;
    }

    private void report(long sent, int total, long startNanos, LocalDateTime at) {
        double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
        progress.printf(
                "replay: %,d/%,d sent (%,.0f/s)%s%n",
                sent, total, sent / seconds, at == null ? "" : ", reading time " + at);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
