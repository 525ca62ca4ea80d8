package io.streamwarehouse.turnstile;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Objects;

/**
 * People counted by one turnstile between two consecutive readings, attributed to the later
 * reading's time ({@link #deltaTime}) and windowed by it. Descriptive fields (LINENAME, DIVISION,
 * DESC, date) are the later reading's, matching the original consumer's grouping.
 *
 * <p>A Flink POJO; field names become the Table columns (see {@link TurnstileWindows}).
 */
public class TurnstileDelta {
    public String ca;
    public String unit;
    public String scp;
    public String station;
    public String linename;
    public String division;

    public LocalDate readingDate;

    public String description;

    public LocalDateTime deltaTime;

    public long entries;
    public long exits;

    public TurnstileDelta() {}

    public TurnstileDelta(TurnstileReading later, long entries, long exits) {
        this.ca = later.ca;
        this.unit = later.unit;
        this.scp = later.scp;
        this.station = later.station;
        this.linename = later.linename;
        this.division = later.division;
        this.readingDate = later.readingTime.toLocalDate();
        this.description = later.description;
        this.deltaTime = later.readingTime;
        this.entries = entries;
        this.exits = exits;
    }

    public TurnstileKey key() {
        return new TurnstileKey(ca, unit, scp, station);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TurnstileDelta)) {
            return false;
        }
        TurnstileDelta that = (TurnstileDelta) o;
        return entries == that.entries
                && exits == that.exits
                && Objects.equals(ca, that.ca)
                && Objects.equals(unit, that.unit)
                && Objects.equals(scp, that.scp)
                && Objects.equals(station, that.station)
                && Objects.equals(linename, that.linename)
                && Objects.equals(division, that.division)
                && Objects.equals(readingDate, that.readingDate)
                && Objects.equals(description, that.description)
                && Objects.equals(deltaTime, that.deltaTime);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ca, unit, scp, station, deltaTime, entries, exits);
    }

    @Override
    public String toString() {
        return key()
                + " "
                + linename
                + " "
                + division
                + " "
                + deltaTime
                + " "
                + description
                + " +"
                + entries
                + "/+"
                + exits;
    }
}
