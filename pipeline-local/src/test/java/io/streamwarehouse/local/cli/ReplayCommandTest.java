package io.streamwarehouse.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwarehouse.local.replay.WeeklyFiles;
import io.streamwarehouse.turnstile.parse.ParseResult;
import io.streamwarehouse.turnstile.parse.RecordFormat;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayCommandTest {

    @Test
    void producerMessagesAreWhatTheProducerFormatParsesKeyedByTurnstile() {
        List<WeeklyFiles.Line> lines = ReplayCommand.producerLines(5, Duration.ofSeconds(10));

        assertThat(lines).hasSize(5);
        var parser = RecordFormat.PRODUCER_CSV.parser(4096);
        for (int i = 0; i < lines.size(); i++) {
            WeeklyFiles.Line line = lines.get(i);
            assertThat(line.value()).startsWith("\"").endsWith("\"");
            ParseResult parsed =
                    parser.parse("t", 0, i, line.value().getBytes(StandardCharsets.UTF_8));
            assertThat(parsed.isOk()).as(parsed.toString()).isTrue();
            var r = parsed.reading();
            assertThat(line.key()).isEqualTo(r.ca + "|" + r.unit + "|" + r.scp + "|" + r.station);
            assertThat(r.entries).isBetween(5L, 10L);
            if (i > 0) {
                assertThat(Duration.between(lines.get(i - 1).readingTime(), line.readingTime()))
                        .isEqualTo(Duration.ofSeconds(10));
            }
        }
    }
}
