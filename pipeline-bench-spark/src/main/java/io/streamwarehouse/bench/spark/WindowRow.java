package io.streamwarehouse.bench.spark;

import java.io.Serializable;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;

/** A closed window: one row of the warehouse's turnstile_window shape. A bean for Spark. */
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

    public Timestamp getWindowStart() {
        return windowStart;
    }

    public void setWindowStart(Timestamp windowStart) {
        this.windowStart = windowStart;
    }

    public Timestamp getWindowEnd() {
        return windowEnd;
    }

    public void setWindowEnd(Timestamp windowEnd) {
        this.windowEnd = windowEnd;
    }

    public String getCa() {
        return ca;
    }

    public void setCa(String ca) {
        this.ca = ca;
    }

    public String getUnit() {
        return unit;
    }

    public void setUnit(String unit) {
        this.unit = unit;
    }

    public String getScp() {
        return scp;
    }

    public void setScp(String scp) {
        this.scp = scp;
    }

    public String getStation() {
        return station;
    }

    public void setStation(String station) {
        this.station = station;
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

    public Date getReadingDate() {
        return readingDate;
    }

    public void setReadingDate(Date readingDate) {
        this.readingDate = readingDate;
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
