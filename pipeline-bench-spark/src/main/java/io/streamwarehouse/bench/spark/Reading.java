package io.streamwarehouse.bench.spark;

import java.io.Serializable;
import java.sql.Timestamp;
import lombok.Getter;
import lombok.Setter;

/**
 * One parsed MTA reading, a Java bean for Spark's bean encoder. {@code time} is the reading's wall
 * clock read as UTC in epoch millis (the Flink job's event time, see TurnstileTime); {@code
 * eventTime} is the same instant as a timestamp column for Spark's watermark.
 */
@Getter
@Setter
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
}
