package io.streamwarehouse.local.replay;

import io.streamwarehouse.turnstile.TurnstileOptions;
import io.streamwarehouse.turnstile.TurnstileReading;
import io.streamwarehouse.turnstile.parse.ParseResult;
import io.streamwarehouse.turnstile.parse.RecordFormat;
import io.streamwarehouse.turnstile.parse.TurnstileParser;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Reads MTA weekly turnstile files (plain or gzip; MTA's 11-column layout, or the 12-column pandas
 * export with a leading row index) into records in reading-time order. The files are sorted by
 * turnstile, not by time, so publishing them as they are would make every turnstile's week arrive
 * at once and hold the watermark back.
 */
public final class WeeklyFiles {
    private WeeklyFiles() {}

    /** One line to publish: its Kafka key (the turnstile), the line, and its reading time. */
    public record Line(String key, String value, LocalDateTime readingTime) {}

    /** Files of a directory (sorted by name) or the one file given. */
    public static List<Path> expand(Path fileOrDir) throws IOException {
        if (!Files.exists(fileOrDir)) {
            throw new NoSuchFileException(fileOrDir.toString());
        }
        if (!Files.isDirectory(fileOrDir)) {
            return List.of(fileOrDir);
        }
        try (Stream<Path> files = Files.list(fileOrDir)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().matches(".*\\.(csv|txt)(\\.gz)?$"))
                    .sorted()
                    .toList();
        }
    }

    /**
     * All lines of the files, headers dropped, in reading-time order. Lines that do not parse are
     * kept, at the end and without a key, so the job rejects them visibly instead of them vanishing
     * here.
     */
    public static List<Line> read(List<Path> files) throws IOException {
        TurnstileParser parser =
                TurnstileParser.forFormat(
                        RecordFormat.MTA_CSV,
                        TurnstileOptions.TURNSTILE_MAX_RECORD_BYTES.defaultValue());
        List<Line> good = new ArrayList<>();
        List<Line> bad = new ArrayList<>();
        for (Path file : files) {
            try (BufferedReader reader = open(file)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.isBlank() || isHeader(line)) {
                        continue;
                    }
                    String mta = dropPandasIndex(line);
                    ParseResult parsed =
                            parser.parse("file", 0, 0, mta.getBytes(StandardCharsets.UTF_8));
                    if (parsed.isOk()) {
                        TurnstileReading r = parsed.reading();
                        String key = r.ca + "|" + r.unit + "|" + r.scp + "|" + r.station;
                        good.add(new Line(key, mta, r.readingTime));
                    } else {
                        bad.add(new Line(null, mta, null));
                    }
                }
            }
        }
        good.sort(Comparator.comparing(Line::readingTime));
        good.addAll(bad);
        return good;
    }

    static boolean isHeader(String line) {
        String start = line.stripLeading().replace("\"", "");
        return start.startsWith("C/A,")
                || start.startsWith(",C/A,")
                || start.startsWith("CA,UNIT")
                || start.startsWith(",CA,UNIT");
    }

    /** The pandas export prefixes a row number: drop it to get MTA's own 11-field line. */
    static String dropPandasIndex(String line) {
        int comma = line.indexOf(',');
        if (comma > 0 && line.substring(0, comma).chars().allMatch(Character::isDigit)) {
            long fields = line.chars().filter(c -> c == ',').count() + 1;
            if (fields == 12) {
                return line.substring(comma + 1);
            }
        }
        return line;
    }

    private static BufferedReader open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file));
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        if (b1 == 0x1f && b2 == 0x8b) {
            in = new GZIPInputStream(in, 1 << 16);
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    }
}
