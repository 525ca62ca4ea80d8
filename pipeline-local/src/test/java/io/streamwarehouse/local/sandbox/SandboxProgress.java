package io.streamwarehouse.local.sandbox;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The sandbox's progress line as the tests read it: rows in the dimension and station windows. */
public final class SandboxProgress {
    private static final Pattern PROGRESS =
            Pattern.compile("dim_customer ([\\d,]+) .*station_window ([\\d,]+)");

    public final long dimCustomer;
    public final long stationWindows;

    private SandboxProgress(long dimCustomer, long stationWindows) {
        this.dimCustomer = dimCustomer;
        this.stationWindows = stationWindows;
    }

    /** The last progress line printed so far, or null before the first. */
    public static SandboxProgress last(List<String> output) {
        Matcher last = null;
        for (String line : output) {
            Matcher m = PROGRESS.matcher(line);
            if (m.find()) {
                last = m;
            }
        }
        return last == null
                ? null
                : new SandboxProgress(number(last.group(1)), number(last.group(2)));
    }

    private static long number(String digits) {
        return Long.parseLong(digits.replace(",", ""));
    }
}
