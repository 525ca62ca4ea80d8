package io.streamwarehouse.bench.spark;

import java.io.Serializable;

/**
 * One turnstile's open 1-hour window for one grouping (LINENAME, DIVISION, DATE, DESC of the deltas
 * in it): the running sums of the Flink job's per-turnstile window aggregate. A bean, kept in
 * {@link TurnstileState}.
 */
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

    public long getStart() {
        return start;
    }

    public void setStart(long start) {
        this.start = start;
    }

    public String getLinename() {
        return linename;
    }

    public void setLinename(String linename) {
        this.linename = linename;
    }

    public String getDivision() {
        return division;
    }

    public void setDivision(String division) {
        this.division = division;
    }

    public long getReadingEpochDay() {
        return readingEpochDay;
    }

    public void setReadingEpochDay(long readingEpochDay) {
        this.readingEpochDay = readingEpochDay;
    }

    public String getDescription() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description;
    }

    public long getEntries() {
        return entries;
    }

    public void setEntries(long entries) {
        this.entries = entries;
    }

    public long getExits() {
        return exits;
    }

    public void setExits(long exits) {
        this.exits = exits;
    }

    public long getReadings() {
        return readings;
    }

    public void setReadings(long readings) {
        this.readings = readings;
    }
}
