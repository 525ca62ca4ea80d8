package io.streamwarehouse.samples.turnstile;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.streamwarehouse.turnstile.TurnstileReading;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Builds one week of MTA turnstile data, deterministic for a seed, shaped like the real weekly
 * files so tests and replays exercise every quirk without shipping real data:
 *
 * <ul>
 *   <li>stations whose name is only unique with LINENAME ({@code 59 ST} as NQR456W/BMT and
 *       456NQRW/IRT; {@code 23 ST} twice), several turnstiles per booth;
 *   <li>4-hour schedules starting at 00, 01 and 03 o'clock, PATH's 00:29:11 + 4 h 12 min, a
 *       15-minute booth (ATL AV-BARCLAY), an off-hour reading at 09:29:38 and an 11:45 RECOVR AUD;
 *   <li>registers counting backwards (57 ST-7 AV), one counting down from 2,147,178,400 (HEWES ST),
 *       ENTRIES always 0 (the Roosevelt Island tram);
 *   <li>a REGULAR and a RECOVR AUD reading at the same time (LEXINGTON AV/53, RECOVR AUD 7), a
 *       reset to a small number, a jump of +2,144,572 in four hours (59 ST R245A), and a gap of
 *       more than 24 hours.
 * </ul>
 *
 * <p>Lines come sorted by turnstile and then time, as in the real files (a replay has to sort them
 * by time). Traffic stays below 200 an hour per turnstile, so only the planted events break the
 * default plausibility rule; {@link #plantedEvents()} lists them for assertions.
 */
public final class TurnstileWeekGenerator {
    /** The column header of the original MTA text files. */
    public static final String HEADER =
            "C/A,UNIT,SCP,STATION,LINENAME,DIVISION,DATE,TIME,DESC,ENTRIES,EXITS";

    /** A Saturday, like the first day of every real weekly file. */
    public static final LocalDate DEFAULT_START = LocalDate.of(2023, 5, 27);

    static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("MM/dd/uuuu");
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    /**
     * Writes only: the JSON parser's factory in pipeline-core differs from it in a read feature.
     */
    private static final JsonFactory JSON = new JsonFactory();

    private static final Duration FOUR_HOURS = Duration.ofHours(4);
    private static final Comparator<TurnstileReading> FILE_ORDER =
            Comparator.<TurnstileReading, String>comparing(r -> r.ca)
                    .thenComparing(r -> r.unit)
                    .thenComparing(r -> r.scp)
                    .thenComparing(r -> r.station)
                    .thenComparing(r -> r.readingTime)
                    .thenComparing(r -> r.regular() ? 0 : 1);

    private final long seed;
    private final LocalDate start;
    private final boolean mtaTextStyle;

    public TurnstileWeekGenerator(long seed) {
        this(seed, DEFAULT_START, false);
    }

    private TurnstileWeekGenerator(long seed, LocalDate start, boolean mtaTextStyle) {
        this.seed = seed;
        this.start = start;
        this.mtaTextStyle = mtaTextStyle;
    }

    /** The week's first day (real files start on a Saturday). */
    public TurnstileWeekGenerator startingOn(LocalDate firstDay) {
        return new TurnstileWeekGenerator(seed, firstDay, mtaTextStyle);
    }

    /**
     * Lines as in MTA's original text files: 10-digit zero-padded counters and trailing spaces,
     * instead of the plain integers of the pandas re-exports.
     */
    public TurnstileWeekGenerator mtaTextStyle(boolean enabled) {
        return new TurnstileWeekGenerator(seed, start, enabled);
    }

    public LocalDate start() {
        return start;
    }

    /** The events that must show up as anomalies, gaps or dropped duplicates. */
    public List<String> plantedEvents() {
        LocalDate d = start;
        return List.of(
                "duplicate: N306/R017/00-00-00 " + d.atTime(15, 0) + " REGULAR + RECOVR AUD 7",
                "reset: N306/R017/00-00-00 " + d.plusDays(4).atTime(11, 0) + " ENTRIES and EXITS",
                "jump: R245A/R051/01-06-00 " + d.plusDays(6).atTime(23, 0) + " ENTRIES and EXITS",
                "gap: A002/R051/02-00-01 "
                        + d.plusDays(2).atTime(3, 0)
                        + " to "
                        + d.plusDays(3).atTime(7, 0));
    }

    /** Every reading of the week in file order (turnstile, then time). */
    public List<TurnstileReading> readings() {
        Random random = new Random(seed);
        List<TurnstileReading> all = new ArrayList<>();
        LocalDateTime end = start.plusDays(7).atStartOfDay();

        // 59 ST, BMT side: two turnstiles of one booth on the 03/07/11 schedule; the second
        // one is silent from Monday 03:00 to Tuesday 07:00 (28 h: no delta, a gap record).
        Turnstile a002 = new Turnstile("A002,R051,02-00-00,59 ST,NQR456W,BMT");
        all.addAll(a002.counting(random, schedule(start.atTime(3, 0), FOUR_HOURS, end), 20, 1, 1));
        Turnstile a002b = new Turnstile("A002,R051,02-00-01,59 ST,NQR456W,BMT");
        LocalDateTime gapFrom = start.plusDays(2).atTime(3, 0);
        LocalDateTime gapTo = start.plusDays(3).atTime(7, 0);
        List<LocalDateTime> withGap = new ArrayList<>();
        for (LocalDateTime t : schedule(start.atTime(3, 0), FOUR_HOURS, end)) {
            if (!t.isAfter(gapFrom) || !t.isBefore(gapTo)) {
                withGap.add(t);
            }
        }
        all.addAll(a002b.counting(random, withGap, 30, 1, 1));

        // 59 ST, IRT side: same station name, other LINENAME order; +2.1M in 4 h on Friday 23:00.
        Turnstile r245a = new Turnstile("R245A,R051,01-06-00,59 ST,456NQRW,IRT");
        List<TurnstileReading> jumping =
                r245a.counting(random, schedule(start.atTime(3, 0), FOUR_HOURS, end), 25, 1, 1);
        LocalDateTime jumpAt = start.plusDays(6).atTime(23, 0);
        for (TurnstileReading r : jumping) {
            if (!r.readingTime.isBefore(jumpAt)) {
                r.entries += 2_144_572;
                r.exits += 4_463_042;
            }
        }
        all.addAll(jumping);

        // 57 ST-7 AV: both registers count backwards, 00/04/08 schedule.
        Turnstile a011 = new Turnstile("A011,R080,01-03-00,57 ST-7 AV,NQRW,BMT");
        all.addAll(
                a011.from(885_337_107L, 488_548_944L)
                        .counting(
                                random, schedule(start.atTime(0, 0), FOUR_HOURS, end), 15, -1, -1));

        // HEWES ST: ENTRIES counts down from just under 2^31, EXITS up; 01/05/09 schedule.
        Turnstile j003 = new Turnstile("J003,R352,00-00-00,HEWES ST,JM,BMT");
        all.addAll(
                j003.from(2_147_178_400L, 671_304_352L)
                        .counting(random, schedule(start.atTime(1, 0), FOUR_HOURS, end), 8, -1, 1));

        // LEXINGTON AV/53: REGULAR and RECOVR AUD (register 7) at 15:00 on the first day, and a
        // reset of both registers on Wednesday 11:00.
        Turnstile n306 = new Turnstile("N306,R017,00-00-00,LEXINGTON AV/53,EM6,IND");
        List<TurnstileReading> n306Readings =
                n306.from(22_618L, 30_586L)
                        .counting(random, schedule(start.atTime(3, 0), FOUR_HOURS, end), 12, 1, 1);
        LocalDateTime resetAt = start.plusDays(4).atTime(11, 0);
        long entriesOffset = 0;
        long exitsOffset = 0;
        for (TurnstileReading r : n306Readings) {
            if (r.readingTime.equals(resetAt)) {
                entriesOffset = r.entries - 12;
                exitsOffset = r.exits - 30;
            }
            r.entries -= entriesOffset;
            r.exits -= exitsOffset;
        }
        all.addAll(n306Readings);
        all.add(n306.reading(start.atTime(15, 0), TurnstileReading.RECOVR_AUD, 7, 629));

        // JAMAICA CENTER: EXITS always 0, an off-hour REGULAR at 09:29:38 and a RECOVR AUD at
        // 11:45 on Tuesday, both with plausible values.
        Turnstile n606 = new Turnstile("N606,R025,00-05-00,JAMAICA CENTER,EJZ,IND");
        List<LocalDateTime> n606Times =
                new ArrayList<>(schedule(start.atTime(0, 0), FOUR_HOURS, end));
        LocalDate tuesday = start.plusDays(3);
        n606Times.add(tuesday.atTime(9, 29, 38));
        n606Times.add(tuesday.atTime(11, 45));
        n606Times.sort(Comparator.naturalOrder());
        List<TurnstileReading> n606Readings =
                n606.from(489_695L, 0L).counting(random, n606Times, 10, 1, 0);
        for (TurnstileReading r : n606Readings) {
            if (r.readingTime.equals(tuesday.atTime(11, 45))) {
                r.description = TurnstileReading.RECOVR_AUD;
            }
        }
        all.addAll(n606Readings);

        // ATL AV-BARCLAY: every 15 minutes (672 readings a week).
        Turnstile c009 = new Turnstile("C009,R057,03-00-00,ATL AV-BARCLAY,BDNQR2345,BMT");
        all.addAll(
                c009.from(1_332_681L, 3_123_900L)
                        .counting(
                                random,
                                schedule(start.atTime(0, 0), Duration.ofMinutes(15), end),
                                40,
                                1,
                                1));

        // PATH: irregular seconds and a 4 h 12 min cycle.
        Turnstile path = new Turnstile("PTH01,R549,00-00-00,NEWARK HW BMEBE,1,PTH");
        all.addAll(
                path.from(53_617L, 6_701L)
                        .counting(
                                random,
                                schedule(start.atTime(0, 29, 11), Duration.ofMinutes(252), end),
                                5,
                                1,
                                1));

        // Roosevelt Island tram: ENTRIES never move.
        Turnstile tram = new Turnstile("TRAM2,R469,00-05-01,RIT-ROOSEVELT,R,RIT");
        all.addAll(
                tram.from(0L, 1_220L)
                        .counting(random, schedule(start.atTime(1, 0), FOUR_HOURS, end), 6, 0, 1));

        // Two different "23 ST" stations.
        Turnstile a030 = new Turnstile("A030,R083,01-00-00,23 ST,NRW,BMT");
        all.addAll(a030.counting(random, schedule(start.atTime(1, 0), FOUR_HOURS, end), 35, 1, 1));
        Turnstile r227 = new Turnstile("R227,R131,00-00-00,23 ST,6,IRT");
        all.addAll(r227.counting(random, schedule(start.atTime(0, 0), FOUR_HOURS, end), 45, 1, 1));

        all.sort(FILE_ORDER);
        return all;
    }

    /** The week as MTA lines (no header), in file order. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (TurnstileReading r : readings()) {
            lines.add(mtaLine(r, mtaTextStyle));
        }
        return lines;
    }

    /** The week as records of the {@code json} format, in file order. */
    public List<String> jsonLines() {
        List<String> lines = new ArrayList<>();
        for (TurnstileReading r : readings()) {
            lines.add(jsonObject(r));
        }
        return lines;
    }

    /** Writes a weekly file with the header; gzip-compressed when the name ends in {@code .gz}. */
    public void writeWeeklyFile(Path file) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
                OutputStream out =
                        file.getFileName().toString().endsWith(".gz")
                                ? new GZIPOutputStream(raw)
                                : raw;
                Writer writer =
                        new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8))) {
            writer.write(HEADER);
            writer.write('\n');
            for (String line : lines()) {
                writer.write(line);
                writer.write('\n');
            }
        }
    }

    /** One reading as an MTA weekly-file line. */
    public static String mtaLine(TurnstileReading r, boolean mtaTextStyle) {
        String entries =
                mtaTextStyle ? String.format("%010d", r.entries) : Long.toString(r.entries);
        String exits = mtaTextStyle ? String.format("%010d", r.exits) : Long.toString(r.exits);
        return String.join(
                        ",",
                        r.ca,
                        r.unit,
                        r.scp,
                        r.station,
                        r.linename,
                        r.division,
                        DATE.format(r.readingTime),
                        TIME.format(r.readingTime),
                        r.description,
                        entries,
                        exits)
                + (mtaTextStyle ? "   " : "");
    }

    /** One reading as a {@code json}-format record. */
    public static String jsonObject(TurnstileReading r) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("ca", r.ca);
            json.writeStringField("unit", r.unit);
            json.writeStringField("scp", r.scp);
            json.writeStringField("station", r.station);
            json.writeStringField("linename", r.linename);
            json.writeStringField("division", r.division);
            json.writeStringField("date", r.readingTime.toLocalDate().toString());
            json.writeStringField("time", TIME.format(r.readingTime));
            json.writeStringField("desc", r.description);
            json.writeNumberField("entries", r.entries);
            json.writeNumberField("exits", r.exits);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static List<LocalDateTime> schedule(
            LocalDateTime first, Duration step, LocalDateTime end) {
        List<LocalDateTime> times = new ArrayList<>();
        for (LocalDateTime t = first; t.isBefore(end); t = t.plus(step)) {
            times.add(t);
        }
        return times;
    }

    /** Relative traffic by hour of day: quiet nights, morning and evening peaks. */
    private static double hourlyProfile(int hour) {
        if (hour < 5) {
            return 0.1;
        }
        if (hour < 7) {
            return 0.6;
        }
        if (hour < 10) {
            return 1.8;
        }
        if (hour < 16) {
            return 1.0;
        }
        if (hour < 20) {
            return 1.9;
        }
        return 0.6;
    }

    /** One turnstile's identity and starting registers. */
    private static final class Turnstile {
        final String ca;
        final String unit;
        final String scp;
        final String station;
        final String linename;
        final String division;
        Long entries;
        Long exits;

        /**
         * From its identity as the weekly files write it: C/A,UNIT,SCP,STATION,LINENAME,DIVISION.
         */
        Turnstile(String identity) {
            String[] field = identity.split(",", -1);
            if (field.length != 6) {
                throw new IllegalArgumentException("not a turnstile identity: " + identity);
            }
            ca = field[0];
            unit = field[1];
            scp = field[2];
            station = field[3];
            linename = field[4];
            division = field[5];
        }

        Turnstile from(long entries, long exits) {
            this.entries = entries;
            this.exits = exits;
            return this;
        }

        TurnstileReading reading(LocalDateTime time, String desc, long entries, long exits) {
            return new TurnstileReading(
                    ca, unit, scp, station, linename, division, time, desc, entries, exits);
        }

        /**
         * REGULAR readings at {@code times}; each register moves by the traffic since the previous
         * reading, up (1), down (-1) or not at all (0). {@code perHour} is the daytime rate.
         */
        List<TurnstileReading> counting(
                Random random,
                List<LocalDateTime> times,
                int perHour,
                int entriesDirection,
                int exitsDirection) {
            long e = entries != null ? entries : 10_000 + random.nextInt(9_000_000);
            long x = exits != null ? exits : 10_000 + random.nextInt(9_000_000);
            List<TurnstileReading> readings = new ArrayList<>();
            LocalDateTime previous = null;
            for (LocalDateTime t : times) {
                if (previous != null) {
                    e += entriesDirection * traffic(random, previous, t, perHour);
                    x += exitsDirection * traffic(random, previous, t, perHour);
                }
                readings.add(reading(t, TurnstileReading.REGULAR, e, x));
                previous = t;
            }
            return readings;
        }

        private static long traffic(
                Random random, LocalDateTime from, LocalDateTime to, int perHour) {
            double hours = Duration.between(from, to).toSeconds() / 3600.0;
            double rate = perHour * hourlyProfile(to.toLocalTime().minusMinutes(1).getHour());
            return Math.round(rate * hours * (0.5 + random.nextDouble()));
        }
    }
}
