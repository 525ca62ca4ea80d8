package io.streamwarehouse.turnstile.parse;

import static io.streamwarehouse.turnstile.parse.ReadingFields.counter;
import static io.streamwarehouse.turnstile.parse.ReadingFields.date;
import static io.streamwarehouse.turnstile.parse.ReadingFields.description;
import static io.streamwarehouse.turnstile.parse.ReadingFields.preview;
import static io.streamwarehouse.turnstile.parse.ReadingFields.required;
import static io.streamwarehouse.turnstile.parse.ReadingFields.time;

import io.streamwarehouse.turnstile.RejectReason;
import io.streamwarehouse.turnstile.TurnstileReading;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * Format {@code mta-csv}: one line of an MTA weekly file, {@code
 * C/A,UNIT,SCP,STATION,LINENAME,DIVISION,DATE,TIME,DESC,ENTRIES,EXITS}.
 *
 * <ul>
 *   <li>DATE {@code MM/dd/yyyy}, TIME {@code HH:mm:ss}, local New York wall clock.
 *   <li>Fields are stripped: the original MTA text pads lines with trailing spaces and the counters
 *       with leading zeros ({@code 0007414835}); both are accepted.
 *   <li>12 fields whose first is empty or all digits: the pandas-exported variant with a leading
 *       row index, which is dropped. Any other count is {@code field_count}.
 *   <li>A column header line ({@code C/A,UNIT,...} or {@code ,CA,UNIT,...}) is rejected with reason
 *       {@code header} rather than skipped: then every offset on the topic ends either as a reading
 *       or as a reject row, so the two reconcile with the topic exactly. A replay that publishes
 *       one header per file costs one reject row per file.
 *   <li>All eleven fields are required; DESC must be REGULAR or RECOVR AUD.
 * </ul>
 */
final class MtaCsvParser extends AbstractTextParser {
    private static final long serialVersionUID = 1L;

    static final int FIELDS = 11;

    MtaCsvParser(int maxRecordBytes) {
        super(maxRecordBytes);
    }

    @Override
    TurnstileReading parseText(String text) throws InvalidRecord {
        String[] fields = ReadingFields.splitCsv(text);
        if (fields.length == FIELDS + 1 && isRowIndex(fields[0])) {
            String[] withoutIndex = new String[FIELDS];
            System.arraycopy(fields, 1, withoutIndex, 0, FIELDS);
            fields = withoutIndex;
        }
        if (fields.length == FIELDS && isHeader(fields)) {
            throw new InvalidRecord(RejectReason.HEADER, "column header line");
        }
        if (fields.length != FIELDS) {
            throw new InvalidRecord(
                    RejectReason.FIELD_COUNT,
                    fields.length
                            + " fields, expected "
                            + FIELDS
                            + " (or 12 with a leading row index): "
                            + preview(text));
        }
        return fromFields(fields);
    }

    /** Fields in the MTA order, shared with the producer format whose first 11 fields match. */
    static TurnstileReading fromFields(String[] fields) throws InvalidRecord {
        return fromFields(fields, ReadingFields.MTA_DATE);
    }

    static TurnstileReading fromFields(String[] fields, DateTimeFormatter dateLayout)
            throws InvalidRecord {
        String ca = required(fields[0], "C/A");
        String unit = required(fields[1], "UNIT");
        String scp = required(fields[2], "SCP");
        String station = required(fields[3], "STATION");
        String linename = required(fields[4], "LINENAME");
        String division = required(fields[5], "DIVISION");
        LocalDate date = date(fields[6], "DATE", dateLayout);
        LocalTime time = time(fields[7], "TIME", ReadingFields.TIME);
        String desc = description(fields[8]);
        long entries = counter(fields[9], "ENTRIES");
        long exits = counter(fields[10], "EXITS");
        LocalDateTime at = date.atTime(time);
        return new TurnstileReading(
                ca, unit, scp, station, linename, division, at, desc, entries, exits);
    }

    private static boolean isRowIndex(String field) {
        return field.isEmpty() || field.chars().allMatch(Character::isDigit);
    }

    private static boolean isHeader(String[] fields) {
        return fields[1].equalsIgnoreCase("UNIT") && fields[6].equalsIgnoreCase("DATE");
    }
}
