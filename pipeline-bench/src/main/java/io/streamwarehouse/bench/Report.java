package io.streamwarehouse.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of one benchmark run, each beside its baseline and the ratio, written as Markdown (to
 * read and paste into docs/PERFORMANCE.md) and JSON (to compare runs).
 */
final class Report {
    /** One measured figure; {@code baseline} null when it stands alone. */
    record Figure(
            String benchmark,
            String what,
            double value,
            String unit,
            String baseline,
            Double baselineValue,
            String note) {
        Double ratio() {
            return baselineValue == null || baselineValue == 0 ? null : value / baselineValue;
        }
    }

    private final List<Figure> figures = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, Object> machine = new LinkedHashMap<>();

    Report() {
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
        machine.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("jvmArgs", ManagementFactory.getRuntimeMXBean().getInputArguments().size());
        machine.put("started", Instant.now().toString());
    }

    void add(Figure figure) {
        figures.add(figure);
        System.out.println("bench: " + line(figure));
    }

    void add(String benchmark, String what, double value, String unit, String note) {
        add(new Figure(benchmark, what, value, unit, null, null, note));
    }

    void add(
            String benchmark,
            String what,
            double value,
            String unit,
            String baseline,
            double baselineValue,
            String note) {
        add(new Figure(benchmark, what, value, unit, baseline, baselineValue, note));
    }

    /** A paragraph printed under the figures: what a comparison leaves out or does differently. */
    void note(String text) {
        notes.add(text);
    }

    private static String line(Figure f) {
        String ratio =
                f.ratio() == null
                        ? ""
                        : String.format(" = %.1f%% of %s", 100 * f.ratio(), f.baseline());
        return String.format(
                "%s | %s: %s %s%s", f.benchmark(), f.what(), number(f.value()), f.unit(), ratio);
    }

    static String number(double value) {
        return value >= 100 ? String.format("%,.0f", value) : String.format("%,.2f", value);
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("machine", machine);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Figure f : figures) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("benchmark", f.benchmark());
            row.put("what", f.what());
            row.put("value", f.value());
            row.put("unit", f.unit());
            row.put("baseline", f.baseline());
            row.put("baselineValue", f.baselineValue());
            row.put("ratio", f.ratio());
            row.put("note", f.note());
            rows.add(row);
        }
        json.put("figures", rows);
        json.put("notes", notes);
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(dir.resolve("report.json").toFile(), json);

        StringBuilder md = new StringBuilder("# Benchmark report\n\n");
        machine.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
        md.append(
                "\n| benchmark | what | value | baseline | ratio | note |\n|---|---|---|---|---|---|\n");
        for (Figure f : figures) {
            md.append("| ")
                    .append(f.benchmark())
                    .append(" | ")
                    .append(f.what())
                    .append(" | ")
                    .append(number(f.value()))
                    .append(' ')
                    .append(f.unit())
                    .append(" | ")
                    .append(
                            f.baseline() == null
                                    ? ""
                                    : f.baseline()
                                            + " "
                                            + number(f.baselineValue())
                                            + " "
                                            + f.unit())
                    .append(" | ")
                    .append(f.ratio() == null ? "" : String.format("%.1f%%", 100 * f.ratio()))
                    .append(" | ")
                    .append(f.note() == null ? "" : f.note())
                    .append(" |\n");
        }
        for (String note : notes) {
            md.append('\n').append(note).append('\n');
        }
        Files.writeString(dir.resolve("report.md"), md.toString());
        System.out.println("bench: report in " + dir.resolve("report.md") + " and report.json");
    }
}
