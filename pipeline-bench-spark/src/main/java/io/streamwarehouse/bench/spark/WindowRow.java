package io.streamwarehouse.bench.spark;

import java.io.Serializable;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import lombok.Getter;
import lombok.Setter;

/** A closed window: one row of the warehouse's turnstile_window shape. A bean for Spark. */
@Getter
@Setter
public class WindowRow implements Serializable {
    private static final long serialVersionUID = 1L;

    private Timestamp windowStart;
    private Timestamp windowEnd;
    private String ca;
    private String unit;
    private String scp;
    private String station;
    private String linename;
    private String division;
    private Date readingDate;
    private String description;
    private long entries;
    private long exits;
    private long readings;

    public WindowRow() {}

    WindowRow(String[] turnstile, OpenWindow w, long sizeMillis) {
        this.windowStart = new Timestamp(w.getStart());
        this.windowEnd = new Timestamp(w.getStart() + sizeMillis);
        this.ca = turnstile[0];
        this.unit = turnstile[1];
        this.scp = turnstile[2];
        this.station = turnstile[3];
        this.linename = w.getLinename();
        this.division = w.getDivision();
        // the child JVM runs in UTC, as event time is the wall clock read as UTC
        this.readingDate = Date.valueOf(LocalDate.ofEpochDay(w.getReadingEpochDay()));
        this.description = w.getDescription();
        this.entries = w.getEntries();
        this.exits = w.getExits();
        this.readings = w.getReadings();
    }
}
