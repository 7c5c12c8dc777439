package dev.linmem.replay.report;

import dev.linmem.replay.PeakMap;
import dev.linmem.replay.ReplayReport;
import dev.linmem.replay.TargetResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class HtmlReportTest {

    private static final ReplayReport REPORT = SampleReports.twoTargets();

    @Test
    void reportIsSelfContained() {
        String html = ReportFormat.HTML.writer().render(List.of(REPORT));
        assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
        // No external resource: nothing fetched by src or href, no url() in styles, no imports.
        assertThat(html).doesNotContain(" src=", "href=", "url(", "@import", "http://localhost", "https://");
        // The only absolute URL allowed is the SVG namespace identifier, which is never fetched.
        Matcher urls = Pattern.compile("https?://[^\"\\s]+").matcher(html);
        while (urls.find()) {
            assertThat(urls.group()).isEqualTo("http://www.w3.org/2000/svg");
        }
    }

    @Test
    void everyTargetHasATimelineAndAStripAndTheCountIsDeclared() {
        String html = ReportFormat.HTML.writer().render(List.of(REPORT));
        // One chart of every target together, zoomed again because one peak is over 3 times the
        // other, one timeline per target, one strip per target.
        assertThat(count(html, "<svg class=\"chart")).isEqualTo(6);
        assertThat(html).contains("data-charts-expected=\"6\"");
        assertThat(count(html, "data-chart=\"timeline\"")).isEqualTo(4);
        assertThat(html).contains("id=\"t0-zoom\"", "Zoomed to 120.00 MiB: leaky &quot;quoted&quot; (3.00 GiB) goes beyond");
        assertThat(count(html, "data-chart=\"peak-map\"")).isEqualTo(2);
        assertThat(html).contains("id=\"t0-peak-1\"", "data-marks=\"4\"");
        assertThat(html).contains("window.linmemChartsDrawn");
    }

    @Test
    void namesAndDescriptionsAreEscaped() {
        String html = ReportFormat.HTML.writer().render(List.of(REPORT));
        assertThat(html).contains("leaky &quot;quoted&quot;", "fails partial munmaps &lt;and&gt; leaks &amp; copies")
                .doesNotContain("<and>");
    }

    @Test
    void targetsWithoutSamplesOrMemoryDrawNoChartAndAreNotExpected() {
        TargetResult t = REPORT.targets().get(0);
        TargetResult nothing = new TargetResult("idle", "never allocated", 0, 0, 0, 0, 0, 1.0, Map.of(), 0, 0, 0, 0, 0,
                0, 0, 0, List.of(), PeakMap.empty(4096));
        ReplayReport report = new ReplayReport("x.strace", "strace", "pid 1", 0, 0, List.of(t, nothing));
        String html = ReportFormat.HTML.writer().render(List.of(report));
        // t: its timeline, the all-targets chart and its strip; nothing: no samples, empty map.
        assertThat(html).contains("data-charts-expected=\"3\"", "No samples.", "nothing allocated");
        assertThat(count(html, "<svg class=\"chart")).isEqualTo(3);
    }

    @Test
    void thinningKeepsEveryExtremeAndTheEnds() {
        int n = 100_000;
        long[] x = new long[n];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            y[i] = (i * 7919L) % 1000;
        }
        y[54_321] = 5000;
        y[12_345] = -5;
        int[] keep = SvgCharts.thin(x, y, n - 1, 800);
        assertThat(keep.length).isLessThanOrEqualTo(4 * 801);
        List<Integer> kept = new ArrayList<>();
        for (int k : keep) {
            kept.add(k);
        }
        assertThat(kept).contains(0, n - 1, 54_321, 12_345).isSorted().doesNotHaveDuplicates();
        int[] few = SvgCharts.thin(new long[] {0, 5}, new long[] {1, 2}, 5, 800);
        assertThat(few).containsExactly(0, 1);
    }

    @Test
    void axesEndOnANiceStepAtOrAboveTheMaximum() {
        SvgCharts.Axis bytes = SvgCharts.Axis.bytes(52L << 20);
        assertThat(bytes.max()).isGreaterThanOrEqualTo(52L << 20);
        assertThat(bytes.max() % bytes.step()).isZero();
        assertThat(bytes.max() / bytes.step()).isBetween(1L, 6L);
        assertThat(bytes.label(bytes.step())).isEqualTo("10 MiB");
        assertThat(SvgCharts.Axis.bytes(3L << 30).label(1L << 30)).isEqualTo("1 GiB");
        SvgCharts.Axis events = SvgCharts.Axis.counts(21_345);
        assertThat(events.step()).isEqualTo(5_000);
        assertThat(events.max()).isEqualTo(25_000);
        assertThat(events.label(5_000)).isEqualTo("5k");
        assertThat(SvgCharts.Axis.counts(1).max()).isEqualTo(1);
    }

    @Test
    void fragmentedMapsAreDrawnPerColumnByMajorityKind() {
        List<PeakMap.Run> runs = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            runs.add(new PeakMap.Run(2L * i, 1, PeakMap.Kind.LIVE));
            if (i < 9_999) {
                runs.add(new PeakMap.Run(2L * i + 1, 1, PeakMap.Kind.FREE));
            }
        }
        runs.add(new PeakMap.Run(19_999, 20_001, PeakMap.Kind.FREE));
        PeakMap map = new PeakMap(0, 4096, 40_000, runs);
        map.checkInvariants();
        List<PeakMap.Run> columns = SvgCharts.majorityColumns(map, 100);
        PeakMap drawn = new PeakMap(0, 4096, 40_000, columns);
        drawn.checkInvariants();
        // Ties go to the first kind (LIVE): the mixed half is live, the rest free.
        assertThat(columns).containsExactly(new PeakMap.Run(0, 20_000, PeakMap.Kind.LIVE),
                new PeakMap.Run(20_000, 20_000, PeakMap.Kind.FREE));
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
