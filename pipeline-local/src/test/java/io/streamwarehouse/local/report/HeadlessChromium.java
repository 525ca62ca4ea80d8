package io.streamwarehouse.local.report;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Chromium's headless mode from the command line ({@code --dump-dom}, {@code --screenshot}): a page
 * rendered as a browser renders it, without a driver library. The binary is looked up on the PATH
 * under its usual names; {@code CHROMIUM} names another one. No browser fails the test with how to
 * install one: {@code .ci/run} installs {@code chromium-headless-shell} when run as root.
 */
final class HeadlessChromium {
    static final List<String> NAMES =
            List.of("chromium", "chromium-headless-shell", "chromium-browser", "google-chrome");

    private static final Pattern SIZES =
            Pattern.compile("<title>scrollWidth=(\\d+) clientWidth=(\\d+)</title>");
    private static final long TIMEOUT_SECONDS = 120;

    private final Path binary;

    private HeadlessChromium(Path binary) {
        this.binary = binary;
    }

    /** The browser on this machine, or an error that says how to install one. */
    static HeadlessChromium find() {
        String given = System.getenv("CHROMIUM");
        if (given != null && !given.isBlank()) {
            Path path = Path.of(given);
            if (!Files.isExecutable(path)) {
                throw new IllegalStateException("CHROMIUM=" + given + " is not an executable");
            }
            return new HeadlessChromium(path);
        }
        String pathVariable = System.getenv().getOrDefault("PATH", "");
        for (String name : NAMES) {
            for (String dir : pathVariable.split(File.pathSeparator)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                    return new HeadlessChromium(candidate);
                }
            }
        }
        throw new IllegalStateException(
                "This test renders the report in headless Chromium, and none of "
                        + NAMES
                        + " is on the PATH. Install one, e.g. on Debian/Ubuntu"
                        + " `sudo apt-get install chromium-headless-shell` (or `chromium`),"
                        + " or set CHROMIUM to the browser's path. .ci/run installs it when run as"
                        + " root.");
    }

    /** What the browser made of a page: its DOM, its layout width and a screenshot. */
    record Page(String dom, int scrollWidth, int clientWidth, Path screenshot) {}

    /**
     * Renders {@code html} in a window of the given size. The DOM is taken from a copy of the page
     * with one script added that writes the document's scroll and client width into its title (the
     * report itself has no scripts); the screenshot is of the page as it is.
     */
    Page render(String html, int width, int height, String name)
            throws IOException, InterruptedException {
        Path dir = Path.of("target", "browser", name).toAbsolutePath();
        Files.createDirectories(dir);
        Path page = dir.resolve(name + ".html");
        Files.writeString(page, html, StandardCharsets.UTF_8);
        Path probe = dir.resolve(name + "-probe.html");
        Files.writeString(
                probe,
                html.replace(
                        "</body>",
                        "<script>document.title='scrollWidth='"
                                + "+document.documentElement.scrollWidth+' clientWidth='"
                                + "+document.documentElement.clientWidth</script></body>"),
                StandardCharsets.UTF_8);

        Path dom = dir.resolve(name + "-dom.html");
        run(dir, dom, width, height, "--dump-dom", probe.toUri().toString());
        Path screenshot = dir.resolve(name + ".png");
        Files.deleteIfExists(screenshot);
        run(
                dir,
                dir.resolve(name + "-screenshot.log"),
                width,
                height,
                "--screenshot=" + screenshot,
                page.toUri().toString());
        String text = Files.readString(dom, StandardCharsets.UTF_8);
        Matcher sizes = SIZES.matcher(text);
        if (!sizes.find()) {
            throw new IllegalStateException(
                    "the browser's DOM has no layout sizes; see " + dom + " and " + dir);
        }
        return new Page(
                text,
                Integer.parseInt(sizes.group(1)),
                Integer.parseInt(sizes.group(2)),
                screenshot);
    }

    private void run(Path dir, Path stdout, int width, int height, String... what)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.add("--headless");
        if ("root".equals(System.getProperty("user.name"))) {
            // Chromium refuses to run as root with its sandbox on; the page is our own file
            command.add("--no-sandbox");
        }
        command.add("--disable-gpu");
        command.add("--disable-dev-shm-usage");
        command.add("--hide-scrollbars");
        command.add("--no-first-run");
        command.add("--user-data-dir=" + dir.resolve("profile"));
        command.add("--window-size=" + width + "," + height);
        command.addAll(List.of(what));
        Path stderr = dir.resolve(stdout.getFileName() + ".stderr");
        Process browser =
                new ProcessBuilder(command)
                        .redirectOutput(stdout.toFile())
                        .redirectError(stderr.toFile())
                        .start();
        if (!browser.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            browser.descendants().forEach(ProcessHandle::destroyForcibly);
            browser.destroyForcibly();
            throw new IllegalStateException(
                    binary + " did not finish within " + TIMEOUT_SECONDS + " s: " + command);
        }
        if (browser.exitValue() != 0) {
            throw new IllegalStateException(
                    binary
                            + " exited with "
                            + browser.exitValue()
                            + ": "
                            + command
                            + "\n"
                            + Files.readString(stderr, StandardCharsets.UTF_8));
        }
    }
}
