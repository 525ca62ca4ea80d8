package io.streamwarehouse.turnstile;

import java.util.Objects;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * Identifies one turnstile: (C/A, UNIT, SCP, STATION).
 *
 * <p>SCP alone repeats across booths and STATION names repeat across lines, so all four parts are
 * needed; LINENAME is deliberately left out because the same complex appears with its lines in
 * different orders ({@code NQR456W} and {@code 456NQRW}), which would split one turnstile's counter
 * history in two.
 *
 * <p>A Flink POJO (public fields, no-arg constructor) so it is serialized without Kryo and its
 * {@link #hashCode()} is stable across JVMs, as a key type must be.
 */
public class TurnstileKey {
    public String ca;
    public String unit;
    public String scp;
    public String station;

    public TurnstileKey() {}

    public TurnstileKey(String ca, String unit, String scp, String station) {
        this.ca = ca;
        this.unit = unit;
        this.scp = scp;
        this.station = station;
    }

    /** Keys readings by turnstile; a named class so Flink sees the key type without lambdas. */
    public static final class Selector implements KeySelector<TurnstileReading, TurnstileKey> {
        private static final long serialVersionUID = 1L;

        @Override
        public TurnstileKey getKey(TurnstileReading reading) {
            return reading.key();
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TurnstileKey)) {
            return false;
        }
        TurnstileKey that = (TurnstileKey) o;
        return Objects.equals(ca, that.ca)
                && Objects.equals(unit, that.unit)
                && Objects.equals(scp, that.scp)
                && Objects.equals(station, that.station);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ca, unit, scp, station);
    }

    @Override
    public String toString() {
        return ca + "/" + unit + "/" + scp + "/" + station;
    }
}
