package io.streamwarehouse.turnstile.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwarehouse.config.PipelineConfig;
import io.streamwarehouse.turnstile.Reject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** What the Kafka source emits for a record: every record one result, never an exception. */
class ReadingDeserializerTest {
    private static final Clock NOW =
            Clock.fixed(Instant.parse("2024-01-10T12:00:00Z"), ZoneOffset.UTC);
    private static final PlausibleTimes TIMES =
            new PlausibleTimes(LocalDateTime.parse("2000-01-01T00:00"), Duration.ofDays(1), NOW);
    private static final ReadingDeserializer MTA =
            new ReadingDeserializer(RecordFormat.MTA_CSV, 4096, TIMES);

    private static ParseResult read(ReadingDeserializer deserializer, String line) {
        List<ParseResult> out = new ArrayList<>();
        deserializer.deserialize(
                new ConsumerRecord<>("t", 2, 7L, null, line.getBytes(StandardCharsets.UTF_8)),
                new Collector<>() {
                    @Override
                    public void collect(ParseResult record) {
                        out.add(record);
                    }

                    @Override
                    public void close() {}
                });
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    private static String line(String date, String time) {
        return "A002,R051,02-00-00,59 ST,NQR456W,BMT," + date + "," + time + ",REGULAR,2049,990";
    }

    @Test
    void readingTimesOutsideThePlausibleRangeAreRejectedBeforeTheyReachTheWatermark() {
        assertThat(read(MTA, line("01/11/2024", "11:59:59")).isOk())
                .as("within a day of the clock")
                .isTrue();
        assertThat(read(MTA, line("01/01/2000", "00:00:00")).isOk()).isTrue();

        Reject future = read(MTA, line("12/31/9999", "23:59:59")).reject();
        assertThat(future.reason).isEqualTo("implausible_time");
        assertThat(future.detail).contains("9999-12-31T23:59:59").contains("max-clock-skew");
        assertThat(future.raw).isEqualTo(line("12/31/9999", "23:59:59").getBytes());
        assertThat(future.partition).isEqualTo(2);
        assertThat(future.offset).isEqualTo(7);

        assertThat(read(MTA, line("01/11/2024", "12:00:01")).reject().reason)
                .isEqualTo("implausible_time");
        assertThat(read(MTA, line("12/31/1999", "23:59:59")).reject().detail)
                .contains("earliest-reading-time");
    }

    @Test
    void theRangeComesFromItsOptions() {
        ReadingDeserializer configured =
                ReadingDeserializer.from(
                        PipelineConfig.of(
                                Map.of(
                                        "turnstile.earliest-reading-time", "2023-01-01T00:00",
                                        "turnstile.max-clock-skew", "0 s")));
        assertThat(read(configured, line("12/31/2022", "23:00:00")).reject().reason)
                .isEqualTo("implausible_time");
        assertThat(read(configured, line("05/27/2023", "04:00:00")).isOk()).isTrue();
    }

    @Test
    void aParserFailureNoRuleForesawBecomesARejectNotAFailedJob() {
        TurnstileParser broken =
                (topic, partition, offset, value) -> {
                    throw new ArithmeticException("long overflow");
                };
        ReadingDeserializer deserializer = new ReadingDeserializer(broken, 8, TIMES);

        Reject reject = read(deserializer, line("05/27/2023", "04:00:00")).reject();
        assertThat(reject.reason).isEqualTo("parser_error");
        assertThat(reject.detail).contains("ArithmeticException: long overflow");
        assertThat(reject.raw).as("cut at the record limit").hasSize(8);
    }

    @Test
    void whatTheSourceEmitsIsAFlinkPojoNotKryo() {
        assertThat(new ReadingDeserializer(RecordFormat.JSON, 10, TIMES).getProducedType())
                .isInstanceOf(PojoTypeInfo.class);
        TypeSerializer<ParseResult> serializer =
                MTA.getProducedType().createSerializer(new SerializerConfigImpl());
        assertThat(serializer.getClass().getSimpleName()).isEqualTo("PojoSerializer");
    }
}
