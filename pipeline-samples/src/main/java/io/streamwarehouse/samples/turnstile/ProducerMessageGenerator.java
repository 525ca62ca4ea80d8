package io.streamwarehouse.samples.turnstile;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.streamwarehouse.turnstile.TurnstileReading;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Messages in the original streaming producer's format ({@code producer-csv}), deterministic for a
 * seed: a JSON string literal wrapping {@code
 * CA,UNIT,SCP,STATION,LINENAME,DIVISION,DATE(MM-dd-yy),TIME,DESC,ENTRIES,EXITS,ID,TIMESTAMP} with
 * the producer's value ranges: CA A001/A002, UNIT R001/R002, SCP 02-00-00, STATION Test-Station1/2,
 * LINENAME 456NQR, DIVISION BMT, DESC REGULAR, and per-interval ENTRIES and EXITS of 5 to 10. The
 * fields are drawn independently, as the producer did, so up to eight turnstiles appear.
 */
public final class ProducerMessageGenerator {
    /**
     * Writes only: the JSON parser's factory in pipeline-core differs from it in a read feature.
     */
    private static final JsonFactory JSON = new JsonFactory();

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("MM-dd-yy");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final long seed;

    public ProducerMessageGenerator(long seed) {
        this.seed = seed;
    }

    /** {@code count} messages, one every {@code every} (the producer sent one each 10 s). */
    public List<String> messages(LocalDateTime first, Duration every, int count) {
        Random random = new Random(seed);
        List<String> messages = new ArrayList<>(count);
        LocalDateTime time = first;
        for (int i = 0; i < count; i++) {
            String ca = random.nextBoolean() ? "A001" : "A002";
            String unit = random.nextBoolean() ? "R001" : "R002";
            String station = random.nextBoolean() ? "Test-Station1" : "Test-Station2";
            int entries = 5 + random.nextInt(6);
            int exits = 5 + random.nextInt(6);
            UUID id = randomUuid(random);
            messages.add(
                    message(
                            String.join(
                                    ",",
                                    ca,
                                    unit,
                                    "02-00-00",
                                    station,
                                    "456NQR",
                                    "BMT",
                                    DATE.format(time),
                                    TIME.format(time),
                                    TurnstileReading.REGULAR,
                                    Integer.toString(entries),
                                    Integer.toString(exits),
                                    id.toString(),
                                    TIMESTAMP.format(time))));
            time = time.plus(every);
        }
        return messages;
    }

    /** A CSV line as the producer sent it: {@code json.dumps(line)}, a JSON string literal. */
    public static String message(String csvLine) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeString(csvLine);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** A version-4 UUID from the seeded generator, so runs repeat exactly. */
    private static UUID randomUuid(Random random) {
        long most = (random.nextLong() & ~0xF000L) | 0x4000L;
        long least = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48);
        return new UUID(most, least);
    }
}
