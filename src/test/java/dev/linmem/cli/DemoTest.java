package dev.linmem.cli;

import dev.linmem.replay.report.HeadlessChromium;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** End to end: the demo, and replay, convert and stats on the bundled recording. */
class DemoTest {

    @TempDir
    Path dir;

    @Test
    void demoPrintsTheComparisonAndWritesTheHtmlReport() throws IOException {
        CliRun run = CliRun.in(dir, "--quiet");
        assertThat(run.status()).as(run.toString()).isZero();
        Path html = dir.resolve("linmem-report.html");
        assertThat(html).isRegularFile();
        assertThat(run.out()).startsWith("php-strings-nomremap.strace  (strace, address space pid 17086, ")
                .contains("peak linear", "overhead")
                .endsWith("HTML report: " + html.toAbsolutePath().normalize() + "\n");
        for (String target : new String[] {"linmem", "php-on-linmem", "php-on-emscripten", "php-playground"}) {
            assertThat(run.out()).containsPattern("(?m)^" + Pattern.quote(target) + " +[0-9]");
        }
        String page = Files.readString(html, StandardCharsets.UTF_8);
        assertThat(page).contains("php-on-emscripten", "data-chart=\"peak-map\"");
        Matcher expected = Pattern.compile("data-charts-expected=\"(\\d+)\"").matcher(page);
        assertThat(expected.find()).isTrue();
        // Per target a timeline and a strip, plus the chart of them all.
        assertThat(Integer.parseInt(expected.group(1))).isGreaterThanOrEqualTo(2 * 4 + 1);
        assertThat(run.err()).isEmpty();
        browserDrawsEveryChart(html, Integer.parseInt(expected.group(1)));
    }

    /** The demo's own report in headless Chromium (where one exists): every chart drew. */
    private static void browserDrawsEveryChart(Path html, int expected) throws IOException {
        java.util.Optional<HeadlessChromium> browser = HeadlessChromium.find();
        if (browser.isEmpty()) {
            return; // HtmlReportBrowserTest reports the skip with its reason.
        }
        String dom;
        try {
            dom = browser.get().dumpDom(html);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        Matcher drawn = Pattern.compile("data-charts-drawn=\"(\\d+)\"").matcher(dom);
        assertThat(drawn.find()).as("the page's script ran").isTrue();
        assertThat(Integer.parseInt(drawn.group(1))).isEqualTo(expected);
        assertThat(dom).doesNotContain("data-drawn=\"no\"");
    }

    @Test
    void demoWritesJsonAndCsvWhereAsked() throws IOException {
        CliRun run = CliRun.in(dir, "demo", "-q", "--targets", "php-on-linmem,linmem", "--json", "r.json",
                "--csv=r.csv", "--html", "out.html");
        assertThat(run.status()).as(run.toString()).isZero();
        String json = Files.readString(dir.resolve("r.json"), StandardCharsets.UTF_8);
        assertThat(json).startsWith("{\n  \"schemaVersion\": 1,\n  \"trace\": \"php-strings-nomremap.strace\",")
                .contains("\"format\": \"strace\"", "\"name\": \"php-on-linmem\"", "\"name\": \"linmem\"",
                        "\"peakLinearBytes\": ", "\"failedCalls\": ", "\"nsPerEvent\": ");
        assertThat(json.indexOf("\"php-on-linmem\"")).isLessThan(json.indexOf("\"name\": \"linmem\""));
        assertThat(Files.readAllLines(dir.resolve("r.csv"))).hasSize(3);
        assertThat(dir.resolve("out.html")).isRegularFile();
        assertThat(dir.resolve("linmem-report.html")).doesNotExist();
        assertThat(run.out()).contains("JSON: " + dir.resolve("r.json"), "CSV: " + dir.resolve("r.csv"),
                "HTML report: " + dir.resolve("out.html"));
    }

    @Test
    void convertedTraceReplaysToTheSameFigures() throws IOException {
        Path original = dir.resolve("php.strace.gz");
        try (InputStream in = DemoTest.class.getResourceAsStream(Commands.DEMO_RESOURCE)) {
            Files.write(original, in.readAllBytes());
        }
        CliRun convert = CliRun.in(dir, "convert", "php.strace.gz", "php.lmt");
        assertThat(convert.status()).as(convert.toString()).isZero();
        assertThat(convert.out()).startsWith("converted php.strace.gz (strace, ").contains(" to php.lmt (compact, ");
        CliRun fromText = CliRun.in(dir, "replay", "--targets", "linmem", "--csv", "a.csv", "php.strace.gz");
        CliRun fromCompact = CliRun.in(dir, "replay", "--targets", "linmem", "--csv", "b.csv", "php.lmt");
        assertThat(fromText.status()).as(fromText.toString()).isZero();
        assertThat(fromCompact.status()).as(fromCompact.toString()).isZero();
        String[] a = Files.readAllLines(dir.resolve("a.csv")).get(1).split(CSV_SEPARATOR);
        String[] b = Files.readAllLines(dir.resolve("b.csv")).get(1).split(CSV_SEPARATOR);
        assertThat(a).hasSize(CsvColumns.NAMES.size());
        assertThat(b[1]).isEqualTo("compact");
        // events, eventsReplayed, eventsSkipped, peakLinearBytes .. outOfMemoryEvents agree.
        for (int column : new int[] {3, 7, 8, 9, 10, 11, 15, 16, 17, 18, 19, 20}) {
            assertThat(b[column]).as(CsvColumns.NAMES.get(column)).isEqualTo(a[column]);
        }
    }

    @Test
    void statsDescribesTheTraceWithoutReplayingIt() throws IOException {
        Path original = dir.resolve("php.strace.gz");
        try (InputStream in = DemoTest.class.getResourceAsStream(Commands.DEMO_RESOURCE)) {
            Files.write(original, in.readAllBytes());
        }
        CliRun run = CliRun.in(dir, "stats", "php.strace.gz");
        assertThat(run.status()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("php.strace.gz (strace)\n").contains("calls:", "munmaps:", "hints: 4235 honoured",
                "peak live: ");
    }

    /** A comma outside double quotes. */
    private static final String CSV_SEPARATOR = ",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)";

    /** The CSV columns, to name a mismatch. */
    private static final class CsvColumns {
        static final java.util.List<String> NAMES = java.util.List.of(
                "trace", "format", "addressSpace", "events", "parseNanos",
                "target", "description", "eventsReplayed", "eventsSkipped",
                "peakLinearBytes", "peakLinearPages", "peakLiveBytes", "overhead",
                "failedCallsTotal", "failedCalls", "leakedBytes", "copiedBytes", "clearedBytes",
                "inPlaceKept", "inPlaceLost", "outOfMemoryEvents", "replayNanos", "nsPerEvent");
    }
}
