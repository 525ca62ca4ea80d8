package io.streamwarehouse.samples.customer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Word lists for the generated sample data: common given names and surnames, country names, region
 * names and street words. Cities are composed from syllables so none of the original Sakila rows is
 * reproduced. Some words carry accents on purpose, so the pipeline is exercised with UTF-8 text.
 *
 * <p>Each list is a UTF-8 text file next to this class under {@code names/}, read once when the
 * class is first used: one entry per line, in the order the generators pick from; a line starting
 * with {@code #} is a comment, and an empty line is an empty entry (see {@code city-middles.txt}).
 */
final class SakilaNames {

    private SakilaNames() {}

    static final List<String> FIRST_NAMES = load("first-names.txt");
    static final List<String> LAST_NAMES = load("last-names.txt");
    static final List<String> COUNTRIES = load("countries.txt");
    static final List<String> DISTRICTS = load("districts.txt");
    static final List<String> STREET_WORDS = load("street-words.txt");
    static final List<String> STREET_SUFFIXES = load("street-suffixes.txt");
    static final List<String> CITY_STARTS = load("city-starts.txt");
    static final List<String> CITY_MIDDLES = load("city-middles.txt");
    static final List<String> CITY_ENDS = load("city-ends.txt");

    /** The entries of {@code names/FILE}, unmodifiable; a missing or empty list is an error. */
    static List<String> load(String file) {
        String resource = "names/" + file;
        try (InputStream in = SakilaNames.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(
                        "word list "
                                + resource
                                + " is not on the classpath next to "
                                + SakilaNames.class.getName());
            }
            List<String> entries = new ArrayList<>();
            try (BufferedReader reader =
                    new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (!line.startsWith("#")) {
                        entries.add(line);
                    }
                }
            }
            if (entries.isEmpty()) {
                throw new IllegalStateException("word list " + resource + " has no entries");
            }
            return List.copyOf(entries);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read word list " + resource, e);
        }
    }
}
