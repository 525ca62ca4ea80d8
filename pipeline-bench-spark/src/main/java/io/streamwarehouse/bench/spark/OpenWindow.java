package io.streamwarehouse.bench.spark;

import java.io.Serializable;
import lombok.Getter;
import lombok.Setter;

/**
 * One turnstile's open 1-hour window for one grouping (LINENAME, DIVISION, DATE, DESC of the deltas
 * in it): the running sums of the Flink job's per-turnstile window aggregate. A bean, kept in
 * {@link TurnstileState}.
 */
@Getter
@Setter
public class OpenWindow implements Serializable {
    private static final long serialVersionUID = 1L;

    private long start;
    private String linename;
    private String division;
    private long readingEpochDay;
    private String description;
    private long entries;
    private long exits;
    private long readings;

    public OpenWindow() {}

    boolean sameGroup(long start, Reading r, long epochDay) {
        return this.start == start
                && readingEpochDay == epochDay
                && linename.equals(r.getLinename())
                && division.equals(r.getDivision())
                && description.equals(r.getDescription());
    }
}
