package io.streamwarehouse.bench.spark;

import java.io.Serializable;
import java.sql.Timestamp;

/**
 * One parsed MTA reading, a Java bean for Spark's bean encoder. {@code time} is the reading's wall
 * clock read as UTC in epoch millis (the Flink job's event time, see TurnstileTime); {@code
 * eventTime} is the same instant as a timestamp column for Spark's watermark.
 */
public class Reading implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The key of the end-of-input marker (fields are printable ASCII, so no reading has it). */
    static final String END_KEY = "\u0001end";

    static final String REGULAR = "REGULAR";
    static final String RECOVR_AUD = "RECOVR AUD";

    private String ca;
    private String unit;
    private String scp;
    private String station;
    private String linename;
    private String division;
    private String description;
    private long time;
    private Timestamp eventTime;
    private long entries;
    private long exits;

    public Reading() {}

    /** The turnstile: (C/A, UNIT, SCP, STATION), as the Flink job's TurnstileKey. */
    String key() {
        if (ca == null) {
            return END_KEY;
        }
        return ca + '\u0001' + unit + '\u0001' + scp + '\u0001' + station;
    }

    boolean regular() {
        return REGULAR.equals(description);
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

    public String getDescription() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description;
    }

    public long getTime() {
        return time;
    }

    public void setTime(long time) {
        this.time = time;
    }

    public Timestamp getEventTime() {
        return eventTime;
    }

    public void setEventTime(Timestamp eventTime) {
        this.eventTime = eventTime;
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
