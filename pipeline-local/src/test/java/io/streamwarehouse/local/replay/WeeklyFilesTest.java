package io.streamwarehouse.local.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeeklyFilesTest {

    @Test
    void gzipFileOfOneTurnstileAfterAnotherComesOutInReadingTimeOrder(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("turnstile_230603.csv.gz");
        String content =
                String.join(
                        "\n",
                        ",C/A,UNIT,SCP,STATION,LINENAME,DIVISION,DATE,TIME,DESC,ENTRIES,EXITS   ",
                        "0,A002,R051,02-00-00,59 ST,NQR456W,BMT,05/27/2023,00:00:00,REGULAR,7,3",
                        "1,A002,R051,02-00-00,59 ST,NQR456W,BMT,05/27/2023,04:00:00,REGULAR,9,4",
                        "2,A011,R080,01-03-00,57 ST-7 AV,NQRW,BMT,05/27/2023,03:00:00,REGULAR,885,2",
                        "3,A011,R080,01-03-00,57 ST-7 AV,NQRW,BMT,05/27/2023,07:00:00,REGULAR,880,2",
                        "not a reading at all",
                        "");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }

        List<WeeklyFiles.Line> lines = WeeklyFiles.read(WeeklyFiles.expand(dir));

        assertThat(lines)
                .extracting(WeeklyFiles.Line::value)
                .containsExactly(
                        "A002,R051,02-00-00,59 ST,NQR456W,BMT,05/27/2023,00:00:00,REGULAR,7,3",
                        "A011,R080,01-03-00,57 ST-7 AV,NQRW,BMT,05/27/2023,03:00:00,REGULAR,885,2",
                        "A002,R051,02-00-00,59 ST,NQR456W,BMT,05/27/2023,04:00:00,REGULAR,9,4",
                        "A011,R080,01-03-00,57 ST-7 AV,NQRW,BMT,05/27/2023,07:00:00,REGULAR,880,2",
                        "not a reading at all");
        assertThat(lines.get(0).key()).isEqualTo("A002|R051|02-00-00|59 ST");
        assertThat(lines.get(4).key()).as("unparsable lines are kept, unkeyed, last").isNull();
    }

    @Test
    void headerAndPandasIndexAreRecognised() {
        assertThat(WeeklyFiles.isHeader(",C/A,UNIT,SCP,STATION,LINENAME")).isTrue();
        assertThat(WeeklyFiles.isHeader(",CA,UNIT,SCP,STATION")).isTrue();
        assertThat(WeeklyFiles.isHeader("A002,R051,02-00-00,59 ST")).isFalse();
        assertThat(
                        WeeklyFiles.dropPandasIndex(
                                "17,A002,R051,02-00-00,59 ST,NQR456W,BMT,05/27/2023,00:00:00,REGULAR,7,3"))
                .isEqualTo("A002,R051,02-00-00,59 ST,NQR456W,BMT,05/27/2023,00:00:00,REGULAR,7,3");
    }
}
