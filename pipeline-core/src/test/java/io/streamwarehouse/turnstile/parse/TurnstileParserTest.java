package io.streamwarehouse.turnstile.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamwarehouse.turnstile.Reject;
import io.streamwarehouse.turnstile.RejectReason;
import io.streamwarehouse.turnstile.TurnstileKey;
import io.streamwarehouse.turnstile.TurnstileReading;
import io.streamwarehouse.turnstile.TurnstileTime;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TurnstileParserTest {
    private static final String TOPIC = "mta-turnstile";

    private static final TurnstileParser MTA =
            TurnstileParser.forFormat(RecordFormat.MTA_CSV, 4096);
    private static final TurnstileParser PRODUCER =
            TurnstileParser.forFormat(RecordFormat.PRODUCER_CSV, 4096);
    private static final TurnstileParser JSON = TurnstileParser.forFormat(RecordFormat.JSON, 4096);

    private static ParseResult parse(TurnstileParser parser, String value) {
        return parser.parse(TOPIC, 3, 42L, value.getBytes(StandardCharsets.UTF_8));
    }

    private static TurnstileReading ok(TurnstileParser parser, String value) {
        ParseResult result = parse(parser, value);
        assertThat(result.isOk()).as("%s", result).isTrue();
        return result.reading();
    }

    private static Reject rejected(TurnstileParser parser, String value) {
        ParseResult result = parse(parser, value);
        assertThat(result.isOk()).as("%s", result).isFalse();
        return result.reject();
    }

    // ---- mta-csv ----

    @Test
    void mtaLineParsesEveryField() {
        TurnstileReading r =
                ok(
                        MTA,
                        "A002,R051,02-00-00,59 ST,NQR456W,BMT,05/27/2023,04:00:00,REGULAR,2049,990");

        assertThat(r.ca).isEqualTo("A002");
        assertThat(r.unit).isEqualTo("R051");
        assertThat(r.scp).isEqualTo("02-00-00");
        assertThat(r.station).isEqualTo("59 ST");
        assertThat(r.linename).isEqualTo("NQR456W");
        assertThat(r.division).isEqualTo("BMT");
        assertThat(r.readingTime).isEqualTo(LocalDateTime.of(2023, 5, 27, 4, 0));
        assertThat(r.description).isEqualTo(TurnstileReading.REGULAR);
        assertThat(r.entries).isEqualTo(2049);
        assertThat(r.exits).isEqualTo(990);
        assertThat(r.topic).isEqualTo(TOPIC);
        assertThat(r.partition).isEqualTo(3);
        assertThat(r.offset).isEqualTo(42);
        assertThat(r.eventTimeMillis())
                .isEqualTo(TurnstileTime.toEpochMillis(LocalDateTime.of(2023, 5, 27, 4, 0)));
    }

    @Test
    void mtaAcceptsThePandasRowIndexZeroPaddingTrailingSpacesAndCrlf() {
        TurnstileReading indexed =
                ok(
                        MTA,
                        "183438,R245A,R051,01-06-00,59 ST,456NQRW,IRT,01/12/2024,23:00:00,REGULAR,5741581,9788650");
        assertThat(indexed.ca).isEqualTo("R245A");
        assertThat(indexed.entries).isEqualTo(5741581);

        TurnstileReading padded =
                ok(
                        MTA,
                        "A002,R051,02-00-00,59 ST,NQR456W,BMT,05/27/2023,00:00:00,REGULAR,0000002040,0000000985"
                                + " ".repeat(63)
                                + "\r\n");
        assertThat(padded.entries).isEqualTo(2040);
        assertThat(padded.exits).isEqualTo(985);

        TurnstileReading recovr =
                ok(
                        MTA,
                        "N606,R025,00-05-00,JAMAICA CENTER,EJZ,IND,05/30/2023,11:45:00,RECOVR AUD,542824,0");
        assertThat(recovr.description).isEqualTo(TurnstileReading.RECOVR_AUD);
        assertThat(recovr.regular()).isFalse();

        TurnstileReading path =
                ok(
                        MTA,
                        "\uFEFFPTH01,R549,00-00-00,NEWARK HW BMEBE,1,PTH,05/27/2023,00:29:11,REGULAR,53617,6701");
        assertThat(path.ca).isEqualTo("PTH01");
        assertThat(path.readingTime).isEqualTo(LocalDateTime.of(2023, 5, 27, 0, 29, 11));

        TurnstileReading nearMax =
                ok(
                        MTA,
                        "J003,R352,00-00-00,HEWES ST,JM,BMT,05/27/2023,01:00:00,REGULAR,2147178400,671304352");
        assertThat(nearMax.entries).isEqualTo(2_147_178_400L);
    }

    @Test
    void mtaHeaderLinesAreRejectedAsHeaders() {
        String header2023 =
                ",C/A,UNIT,SCP,STATION,LINENAME,DIVISION,DATE,TIME,DESC,ENTRIES,EXITS"
                        + " ".repeat(63);
        String header2024 = ",CA,UNIT,SCP,STATION,LINENAME,DIVISION,DATE,TIME,DESC,ENTRIES,EXITS";
        String headerMta = "C/A,UNIT,SCP,STATION,LINENAME,DIVISION,DATE,TIME,DESC,ENTRIES,EXITS";

        for (String header : new String[] {header2023, header2024, headerMta}) {
            Reject reject = rejected(MTA, header);
            assertThat(reject.reason).isEqualTo("header");
            assertThat(reject.rawText()).isEqualTo(header);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "field_count   | A002,R051,02-00-00,59 ST,NQR456W,BMT,05/27/2023,04:00:00,REGULAR,2049",
                "field_count   | A002,R051,02-00-00,59 ST,NQR456W,BMT,05/27/2023,04:00:00,REGULAR,2049,990,1,2",
                "field_count   | x1,A002,R051,02-00-00,59 ST,NQR456W,BMT,05/27/2023,04:00:00,REGULAR,2049,990",
                "field_count   | hello world",
                "bad_number    | A002,R051,02-00-00,59 ST,NQR456W,BMT,05/27/2023,04:00:00,REGULAR,20x9,990",
                "bad_number    | A002,R051,02-00-00,59 ST,NQR456W,BMT,05/27/2023,04:00:00,REGULAR,2049,99.5",
                "bad_number    | A002,R051,02-00-00,59 ST,NQR456W,BMT,05/27/2023,04:00:00,REGULAR,99999999999999999999,990",
                "negative_counter | A002,R051,02-00-00,59 ST,NQR456W,BMT,05/27/2023,04:00:00,REGULAR,-5,990",
                "bad_date      | A002,R051,02-00-00,59 ST,NQR456W,BMT,13/27/2023,04:00:00,REGULAR,2049,990",
                "bad_date      | A002,R051,02-00-00,59 ST,NQR456W,BMT,02/30/2023,04:00:00,REGULAR,2049,990",
                "bad_date      | A002,R051,02-00-00,59 ST,NQR456W,BMT,2023-05-27,04:00:00,REGULAR,2049,990",
                "bad_time      | A002,R051,02-00-00,59 ST,NQR456W,BMT,05/27/2023,24:00:00,REGULAR,2049,990",
                "bad_time      | A002,R051,02-00-00,59 ST,NQR456W,BMT,05/27/2023,4pm,REGULAR,2049,990",
                "unknown_desc  | A002,R051,02-00-00,59 ST,NQR456W,BMT,05/27/2023,04:00:00,IRREGULAR,2049,990",
                "missing_field | A002,R051,02-00-00,,NQR456W,BMT,05/27/2023,04:00:00,REGULAR,2049,990",
                "missing_field | A002,R051,02-00-00,59 ST,NQR456W,BMT,05/27/2023,04:00:00,REGULAR,   ,990",
            })
    void mtaRejectsEachKindOfBadLineWithItsReason(String reason, String line) {
        Reject reject = rejected(MTA, line);

        assertThat(reject.reason).isEqualTo(reason.strip());
        assertThat(reject.detail).isNotBlank();
        assertThat(reject.topic).isEqualTo(TOPIC);
        assertThat(reject.partition).isEqualTo(3);
        assertThat(reject.offset).isEqualTo(42);
        assertThat(reject.raw).isEqualTo(line.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void emptyBinaryAndOversizedRecordsAreRejectedBeforeParsing() {
        assertThat(MTA.parse(TOPIC, 0, 1, null).reject().reason).isEqualTo("empty");
        assertThat(MTA.parse(TOPIC, 0, 1, new byte[0]).reject().reason).isEqualTo("empty");
        assertThat(rejected(MTA, "  \r\n").reason).isEqualTo("empty");

        byte[] garbage = {(byte) 0xff, (byte) 0xfe, 0x00, (byte) 0xc3, 0x28};
        Reject notUtf8 = MTA.parse(TOPIC, 0, 1, garbage).reject();
        assertThat(notUtf8.reason).isEqualTo("not_utf8");
        assertThat(notUtf8.raw).isEqualTo(garbage);

        TurnstileParser small = TurnstileParser.forFormat(RecordFormat.MTA_CSV, 64);
        byte[] big = new byte[65];
        Arrays.fill(big, (byte) 'A');
        Reject oversized = small.parse(TOPIC, 0, 1, big).reject();
        assertThat(oversized.reason).isEqualTo("oversized");
        assertThat(oversized.raw).hasSize(64);
        assertThat(oversized.detail).contains("65 bytes");
        assertThat(small.parse(TOPIC, 0, 1, Arrays.copyOf(big, 64)).reject().reason)
                .as("exactly the limit is parsed")
                .isEqualTo("field_count");
    }

    // ---- producer-csv ----

    private static final String PRODUCER_MESSAGE =
            "\"A002,R001,02-00-00,Test-Station2,456NQR,BMT,11-21-25,04:30:12,REGULAR,7,9,"
                    + "6f1d2c3e-8a4b-4c5d-9e6f-0a1b2c3d4e5f,2025-11-21 04:30:12\"";

    @Test
    void producerMessageIsAJsonStringWrappingThirteenFields() {
        TurnstileReading r = ok(PRODUCER, PRODUCER_MESSAGE);

        assertThat(r.key())
                .isEqualTo(new TurnstileKey("A002", "R001", "02-00-00", "Test-Station2"));
        assertThat(r.linename).isEqualTo("456NQR");
        assertThat(r.division).isEqualTo("BMT");
        assertThat(r.readingTime).isEqualTo(LocalDateTime.of(2025, 11, 21, 4, 30, 12));
        assertThat(r.entries).isEqualTo(7);
        assertThat(r.exits).isEqualTo(9);
        assertThat(r.offset).isEqualTo(42);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                // the bare line, without the JSON quotes the producer adds
                "bad_json      | A002,R001,02-00-00,Test-Station2,456NQR,BMT,11-21-25,04:30:12,REGULAR,7,9,id,2025-11-21 04:30:12",
                "bad_json      | {\"ca\": \"A002\"}",
                "bad_json      | \"unterminated",
                "empty         | \"  \"",
                "field_count   | \"A002,R001,02-00-00,Test-Station2,456NQR,BMT,11-21-25,04:30:12,REGULAR,7,9,2025-11-21 04:30:12\"",
                "bad_date      | \"A002,R001,02-00-00,Test-Station2,456NQR,BMT,2025-11-21,04:30:12,REGULAR,7,9,id,2025-11-21 04:30:12\"",
                "bad_date      | \"A002,R001,02-00-00,Test-Station2,456NQR,BMT,11-21-25,04:30:12,REGULAR,7,9,id,21.11.2025 04:30\"",
                "missing_field | \"A002,R001,02-00-00,Test-Station2,456NQR,BMT,11-21-25,04:30:12,REGULAR,7,9,,2025-11-21 04:30:12\"",
                "bad_number    | \"A002,R001,02-00-00,Test-Station2,456NQR,BMT,11-21-25,04:30:12,REGULAR,seven,9,id,2025-11-21 04:30:12\"",
            })
    void producerRejectsEachKindOfBadMessage(String reason, String message) {
        assertThat(rejected(PRODUCER, message).reason).isEqualTo(reason.strip());
    }

    // ---- json ----

    @Test
    void jsonObjectWithNamedFields() {
        TurnstileReading r =
                ok(
                        JSON,
                        "{\"ca\":\"A002\",\"unit\":\"R051\",\"scp\":\"02-00-00\",\"station\":\"59 ST\","
                                + "\"linename\":\"NQR456W\",\"division\":\"BMT\",\"date\":\"2023-05-27\","
                                + "\"time\":\"04:00:00\",\"desc\":\"REGULAR\",\"entries\":2049,\"exits\":990,"
                                + "\"source\":\"ignored\"}");
        assertThat(r.key()).isEqualTo(new TurnstileKey("A002", "R051", "02-00-00", "59 ST"));
        assertThat(r.readingTime).isEqualTo(LocalDateTime.of(2023, 5, 27, 4, 0));
        assertThat(r.entries).isEqualTo(2049);
        assertThat(r.exits).isEqualTo(990);

        TurnstileReading mtaStyle =
                ok(
                        JSON,
                        "{\"ca\":\"N606\",\"unit\":\"R025\",\"scp\":\"00-05-00\",\"station\":\"JAMAICA CENTER\","
                                + "\"linename\":\"EJZ\",\"division\":\"IND\",\"date\":\"05/30/2023\","
                                + "\"time\":\"09:29:38\",\"desc\":\"RECOVR AUD\",\"entries\":\"0000490001\","
                                + "\"exits\":0}");
        assertThat(mtaStyle.readingTime).isEqualTo(LocalDateTime.of(2023, 5, 30, 9, 29, 38));
        assertThat(mtaStyle.description).isEqualTo(TurnstileReading.RECOVR_AUD);
        assertThat(mtaStyle.entries).isEqualTo(490001);
    }

    private static String json(String field, String rawValue) {
        String base =
                "{\"ca\":\"A002\",\"unit\":\"R051\",\"scp\":\"02-00-00\",\"station\":\"59 ST\","
                        + "\"linename\":\"NQR456W\",\"division\":\"BMT\",\"date\":\"2023-05-27\","
                        + "\"time\":\"04:00:00\",\"desc\":\"REGULAR\",\"entries\":2049,\"exits\":990}";
        if (rawValue == null) {
            return base.replaceFirst(",?\"" + field + "\":(\"[^\"]*\"|\\d+)", "");
        }
        return base.replaceFirst(
                "\"" + field + "\":(\"[^\"]*\"|\\d+)", "\"" + field + "\":" + rawValue);
    }

    @ParameterizedTest(name = "{0} {1}={2}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "missing_field    | exits    | ",
                "missing_field    | ca       | null",
                "missing_field    | station  | \"  \"",
                "bad_number       | entries  | 1.5",
                "bad_number       | entries  | 123456789012345678901234",
                "bad_number       | entries  | true",
                "negative_counter | exits    | -1",
                "negative_counter | exits    | \"-1\"",
                "bad_json         | ca       | 5",
                "bad_json         | unit     | [\"R051\"]",
                "bad_date         | date     | \"2023-02-30\"",
                "bad_time         | time     | \"24:00:00\"",
                "unknown_desc     | desc     | \"DOOR OPEN\"",
            })
    void jsonRejectsEachKindOfBadField(String reason, String field, String value) {
        assertThat(rejected(JSON, json(field, value)).reason).isEqualTo(reason.strip());
    }

    @Test
    void jsonRejectsWhatIsNotExactlyOneObject() {
        assertThat(rejected(JSON, "[1,2]").reason).isEqualTo("bad_json");
        assertThat(rejected(JSON, "\"a string\"").reason).isEqualTo("bad_json");
        assertThat(rejected(JSON, "{\"ca\":").reason).isEqualTo("bad_json");
        assertThat(rejected(JSON, json("ca", "\"A002\"") + " {}").reason).isEqualTo("bad_json");
        assertThat(rejected(JSON, "{\"ca\":\"A\",\"ca\":\"B\"}").reason).isEqualTo("bad_json");
        assertThat(rejected(JSON, "not json at all").reason).isEqualTo("bad_json");
    }

    // ---- identity fields, quoting and dates ----

    private static final String LINE =
            "A002,R051,02-00-00,59 ST,NQR456W,BMT,05/27/2023,04:00:00,REGULAR,2049,990";

    private static String withField(int field, String value) {
        String[] fields = LINE.split(",", -1);
        fields[field] = value;
        return String.join(",", fields);
    }

    @ParameterizedTest
    @CsvSource({
        "'59\u00a0ST', no-break space",
        "'59 \u200bST', zero-width space",
        "'\ufeff59 ST', byte order mark inside the value",
        "'59\u2028ST', line separator",
        "'59  ST', two spaces",
        "'\uff15\uff19 ST', full-width digits",
        "'59 S\u00adT', soft hyphen",
    })
    void invisibleAndCompatibilityCharactersNeverMakeASecondStation(String station, String what) {
        TurnstileReading r = ok(MTA, withField(3, station));
        assertThat(r.station).as(what).isEqualTo("59 ST");
        assertThat(r.key()).isEqualTo(ok(MTA, LINE).key());
    }

    @Test
    void lookAlikeLettersAreRejectedNotGuessedAt() {
        // Cyrillic A in the booth: looks like A002, is not
        Reject reject = rejected(MTA, withField(0, "\u0410002"));
        assertThat(reject.reason).isEqualTo("non_ascii");
        assertThat(reject.detail).contains("C/A").contains("U+0410");
        assertThat(rejected(JSON, json("station", "\"59 ST\u00e9\"")).reason)
                .isEqualTo("non_ascii");
    }

    @Test
    void quotedCsvFieldsAreReadAsCsvNeverKeptWithTheirQuotes() {
        TurnstileReading quoted =
                ok(
                        MTA,
                        "\"A002\",R051,\"02-00-00\",\"59 ST\",NQR456W,BMT,\"05/27/2023\","
                                + "04:00:00,REGULAR,\"2049\",990");
        assertThat(quoted.ca).isEqualTo("A002");
        assertThat(quoted.station).isEqualTo("59 ST");
        assertThat(quoted.entries).isEqualTo(2049);
        assertThat(quoted.key()).isEqualTo(ok(MTA, LINE).key());

        TurnstileReading comma = ok(MTA, withField(3, "\"LEXINGTON AV, 53 ST\""));
        assertThat(comma.station).isEqualTo("LEXINGTON AV, 53 ST");

        assertThat(rejected(MTA, withField(3, "\"59 ST")).reason).isEqualTo("bad_quoting");
        assertThat(rejected(MTA, withField(3, "59 \"ST\"")).reason).isEqualTo("bad_quoting");
        assertThat(rejected(MTA, withField(3, "\"59\" ST")).reason).isEqualTo("bad_quoting");
    }

    @ParameterizedTest
    @CsvSource({
        "05/27/+2023, sign",
        "05/27/-2023, negative year",
        "05/27/23, two digits where four are expected",
        "05/27/02023, five digits",
        "05/27/999999999, nine digits",
        "+5/27/2023, signed month",
    })
    void yearsWithSignsOrTheWrongNumberOfDigitsAreBadDates(String date, String what) {
        assertThat(rejected(MTA, withField(6, date)).reason).as(what).isEqualTo("bad_date");
    }

    @Test
    void jsonDatesTakeFourDigitYearsOnly() {
        String object =
                "{\"ca\":\"A002\",\"unit\":\"R051\",\"scp\":\"02-00-00\","
                        + "\"station\":\"59 ST\",\"linename\":\"NQR456W\","
                        + "\"division\":\"BMT\",\"date\":\"%s\",\"time\":\"04:00:00\","
                        + "\"desc\":\"REGULAR\",\"entries\":1,\"exits\":2}";
        assertThat(ok(JSON, String.format(object, "2023-05-27")).readingTime)
                .isEqualTo(LocalDateTime.of(2023, 5, 27, 4, 0));
        assertThat(rejected(JSON, String.format(object, "+999999999-12-31")).reason)
                .as("the year whose epoch millis overflow")
                .isEqualTo("bad_date");
        assertThat(rejected(JSON, String.format(object, "23-05-27")).reason).isEqualTo("bad_date");
    }

    // ---- all formats ----

    @Test
    void noInputMakesAParserThrow() {
        Set<String> known =
                Arrays.stream(RejectReason.values())
                        .map(RejectReason::code)
                        .collect(Collectors.toSet());
        Random random = new Random(4);
        String alphabet = "0123456789,:/-\" {}[]ACRUEGLVDS\n\u00e9";
        for (TurnstileParser parser : new TurnstileParser[] {MTA, PRODUCER, JSON}) {
            for (int i = 0; i < 3000; i++) {
                byte[] value;
                if (i % 2 == 0) {
                    value = new byte[random.nextInt(200)];
                    random.nextBytes(value);
                } else {
                    StringBuilder text = new StringBuilder();
                    int length = random.nextInt(120);
                    for (int c = 0; c < length; c++) {
                        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
                    }
                    value = text.toString().getBytes(StandardCharsets.UTF_8);
                }
                ParseResult result = parser.parse(TOPIC, 0, i, value);
                if (!result.isOk()) {
                    assertThat(result.reject().reason).isIn(known);
                    assertThat(result.reject().offset).isEqualTo(i);
                }
            }
        }
    }

    @Test
    void formatsAreChosenByTheirConfigNames() {
        assertThat(TurnstileParser.forFormat(RecordFormat.fromConfig(" MTA-CSV "), 10))
                .isInstanceOf(MtaCsvParser.class);
        assertThat(TurnstileParser.forFormat(RecordFormat.fromConfig("producer-csv"), 10))
                .isInstanceOf(ProducerCsvParser.class);
        assertThat(TurnstileParser.forFormat(RecordFormat.fromConfig("json"), 10))
                .isInstanceOf(JsonReadingParser.class);
        assertThatThrownBy(() -> TurnstileParser.forFormat(RecordFormat.fromConfig("avro"), 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mta-csv, producer-csv, json");
        assertThatThrownBy(() -> TurnstileParser.forFormat(RecordFormat.fromConfig("json"), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
