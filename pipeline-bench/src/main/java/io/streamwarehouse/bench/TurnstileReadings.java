package io.streamwarehouse.bench;

import io.streamwarehouse.samples.turnstile.TurnstileWeekGenerator;
import io.streamwarehouse.turnstile.TurnstileReading;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * At least {@code count} readings shaped like consecutive real weeks: the generated week's
 * turnstiles (every quirk of the real files) cloned into as many booths as it takes, so the job
 * keeps state for thousands of turnstiles at once as it does on a real week (about 5,000), in
 * reading-time order as a replay publishes them.
 */
final class TurnstileReadings {
    static final int WEEKS = 4;

    private TurnstileReadings() {}

    static List<String> mtaLines(int count) {
        List<List<TurnstileReading>> weeks = new ArrayList<>();
        int perWeek = 0;
        for (int w = 0; w < WEEKS; w++) {
            List<TurnstileReading> week =
                    new TurnstileWeekGenerator(1000 + w)
                            .startingOn(TurnstileWeekGenerator.DEFAULT_START.plusWeeks(w))
                            .readings();
            weeks.add(week);
            perWeek += week.size();
        }
        int clones = Math.max(1, (count + perWeek - 1) / perWeek);
        List<TurnstileReading> all = new ArrayList<>(clones * perWeek);
        for (List<TurnstileReading> week : weeks) {
            for (TurnstileReading r : week) {
                for (int c = 0; c < clones; c++) {
                    all.add(
                            new TurnstileReading(
                                    r.ca,
                                    r.unit,
                                    String.format("%s-%03d", r.scp, c),
                                    r.station,
                                    r.linename,
                                    r.division,
                                    r.readingTime,
                                    r.description,
                                    r.entries + c,
                                    r.exits + c));
                }
            }
        }
        all.sort(Comparator.comparing(r -> r.readingTime));
        List<String> lines = new ArrayList<>(all.size());
        for (TurnstileReading r : all) {
            lines.add(TurnstileWeekGenerator.mtaLine(r, false));
        }
        return lines;
    }

    /** The Kafka key of a line: its turnstile, as the replay keys it. */
    static String key(String line) {
        int fourth = 0;
        for (int i = 0, commas = 0; i < line.length(); i++) {
            if (line.charAt(i) == ',' && ++commas == 4) {
                fourth = i;
                break;
            }
        }
        return line.substring(0, fourth);
    }
}
