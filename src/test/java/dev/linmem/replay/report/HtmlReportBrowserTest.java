package dev.linmem.replay.report;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Renders the HTML report in headless Chromium and checks, from the DOM after the page's script
 * ran, that every chart drew. Skipped, with a message saying why, only where no browser exists
 * ({@code .ci/run} installs the Debian package {@code chromium}; {@code LINMEM_CHROMIUM} names
 * another binary).
 */
class HtmlReportBrowserTest {

    private static HeadlessChromium browser;

    @BeforeAll
    static void findBrowser() {
        browser = HeadlessChromium.find().orElse(null);
    }

    private static void assumeBrowser() {
        assumeTrue(browser != null, "SKIPPED: no Chromium found (looked at $" + HeadlessChromium.BROWSER_VARIABLE
                + ", /usr/bin/chromium, chromium-browser, google-chrome); install the Debian package 'chromium'"
                + " (.ci/run does) to run the browser check of the HTML report");
    }

    @Test
    void everyChartOfTheReportDrawsInTheBrowser(@TempDir Path dir) throws Exception {
        assumeBrowser();
        Path page = dir.resolve("report.html");
        Files.writeString(page, ReportFormat.HTML.writer().render(List.of(SampleReports.twoTargets())),
                StandardCharsets.UTF_8);
        String dom = browser.dumpDom(page);
        int expected = attribute(dom, "data-charts-expected");
        assertThat(expected).isEqualTo(6);
        assertThat(attribute(dom, "data-charts-drawn")).as("charts the page's script saw drawn").isEqualTo(expected);
        assertThat(occurrences(dom, "data-drawn=\"yes\"")).isEqualTo(expected);
        assertThat(dom).doesNotContain("data-drawn=\"no\"");
    }

    @Test
    void theCheckReportsAChartThatDidNotDraw(@TempDir Path dir) throws Exception {
        assumeBrowser();
        String html = ReportFormat.HTML.writer().render(List.of(SampleReports.twoTargets()));
        // A chart whose only mark is empty (no points) must be reported as not drawn.
        String broken = html.replace("<main>\n", "<main>\n<svg class=\"chart\" data-marks=\"1\" viewBox=\"0 0 10 10\""
                + " xmlns=\"http://www.w3.org/2000/svg\"><polyline class=\"mark\" points=\"\"/></svg>\n");
        Path page = dir.resolve("broken.html");
        Files.writeString(page, broken, StandardCharsets.UTF_8);
        String dom = browser.dumpDom(page);
        assertThat(attribute(dom, "data-charts-drawn")).isEqualTo(6);
        assertThat(occurrences(dom, "data-drawn=\"no\"")).isEqualTo(1);
    }

    private static int attribute(String dom, String name) {
        Matcher m = Pattern.compile(name + "=\"(\\d+)\"").matcher(dom);
        assertThat(m.find()).as("attribute %s in the rendered page", name).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static int occurrences(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
