package io.streamwarehouse.bench.spark;

import java.io.Serializable;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * People counted by one turnstile between two consecutive readings, at the later reading's time
 * with the later reading's descriptive fields (the Flink job's TurnstileDelta).
 */
public class Delta implements Serializable {
    private static final long serialVersionUID = 1L;

    private String ca;
    private String unit;
    private String scp;
    private String station;
    private String linename;
    private String division;
    private Date readingDate;
    private String description;
    private Timestamp deltaTime;
    private long entries;
    private long exits;

    public Delta() {}

    Delta(Reading later, long entries, long exits) {
        this.ca = later.getCa();
        this.unit = later.getUnit();
        this.scp = later.getScp();
        this.station = later.getStation();
        this.linename = later.getLinename();
        this.division = later.getDivision();
        // the child JVM runs in UTC, so the wall clock read as UTC gives back the local date
        this.readingDate =
                Date.valueOf(
                        LocalDateTime.ofEpochSecond(
                                        Math.floorDiv(later.getTime(), 1000), 0, ZoneOffset.UTC)
                                .toLocalDate());
        this.description = later.getDescription();
        this.deltaTime = new Timestamp(later.getTime());
        this.entries = entries;
        this.exits = exits;
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

    public Timestamp getDeltaTime() {
        return deltaTime;
    }

    public void setDeltaTime(Timestamp deltaTime) {
        this.deltaTime = deltaTime;
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
}
