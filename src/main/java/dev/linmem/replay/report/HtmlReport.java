package dev.linmem.replay.report;

import dev.linmem.replay.PeakMap;
import dev.linmem.replay.ReplayReport;
import dev.linmem.replay.Sample;
import dev.linmem.replay.TargetResult;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The HTML report: one self-contained file (inline CSS, SVG and script; nothing loaded from the
 * network) holding, per trace, the comparison table, a chart of every target's linear memory
 * over the replay against the recording's live bytes, one such chart per target, and a strip
 * per target showing its address space at the peak.
 *
 * <p>Charts are SVG generated here ({@link SvgCharts}), so the report reads without script. The
 * one inline script only verifies the drawing: for each {@code svg.chart} it checks that the
 * chart laid out with a non-empty box and that every {@code .mark} in it has a non-empty
 * bounding box, sets {@code data-drawn="yes"} on it, and records the count of drawn charts in
 * {@code window.linmemChartsDrawn} and the {@code data-charts-drawn} attribute of the root
 * element, next to {@code data-charts-expected} written here. A headless browser test compares
 * the two.
 */
final class HtmlReport implements ReportWriter {

    /** Line colours per target, in report order (Okabe and Ito's colour-blind-safe palette). */
    static final List<String> PALETTE = List.of(
            "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7f7f7f", "#000000");

    /** Size of the chart of every target, in SVG user units. */
    static final int WIDE_WIDTH = 1000;

    /** Height of the chart of every target, in SVG user units. */
    static final int WIDE_HEIGHT = 300;

    /** Size of each target's own chart, in SVG user units. */
    static final int SMALL_WIDTH = 560;

    /** Height of each target's own chart, in SVG user units. */
    static final int SMALL_HEIGHT = 230;

    /** A target's peak this many times another's adds a zoomed chart of every target. */
    static final long ZOOM_TRIGGER = 3;

    /** Colour of the recording's live bytes, the lower bound every target is compared with. */
    static final String LIVE_COLOR = "#444444";

    @Override
    public void write(List<ReplayReport> reports, Appendable out) throws IOException {
        StringBuilder body = new StringBuilder();
        int charts = 0;
        for (int i = 0; i < reports.size(); i++) {
            charts += section(body, "t" + i, reports.get(i));
        }
        String title = reports.size() == 1 ? "linmem: " + reports.get(0).trace() : "linmem replay report";
        out.append("<!DOCTYPE html>\n<html lang=\"en\" data-charts-expected=\"").append(Integer.toString(charts))
                .append("\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(Html.escape(title)).append("</title>\n<style>\n").append(CSS)
                .append("</style>\n</head>\n<body>\n<header><h1>linmem replay report</h1>\n")
                .append("<p>Each trace replayed against several memory-management strategies. ")
                .append("<em>Peak linear</em> is the wasm memory's high-water mark (wasm memory never shrinks); ")
                .append("<em>peak live</em> is what the recording itself held at most, the lower bound.</p>\n")
                .append("</header>\n<main>\n").append(body).append("</main>\n<script>\n").append(SCRIPT)
                .append("</script>\n</body>\n</html>\n");
    }

    /** Appends one trace's section; returns the number of charts in it. */
    private static int section(StringBuilder sb, String id, ReplayReport report) {
        sb.append("<section class=\"trace\" id=\"").append(id).append("\">\n<h2>")
                .append(Html.escape(report.trace())).append("</h2>\n<p class=\"meta\">")
                .append(Html.escape(report.format())).append(" &middot; address space ")
                .append(Html.escape(report.addressSpace())).append(" &middot; ")
                .append(Units.count(report.events())).append(" events &middot; read in ")
                .append(Units.duration(report.parseNanos())).append("</p>\n");
        if (report.targets().isEmpty()) {
            sb.append("<p>No target replayed this trace.</p>\n</section>\n");
            return 0;
        }
        table(sb, report);
        int charts = 0;
        sb.append("<h3>Linear memory over the replay</h3>\n");
        List<SvgCharts.Series> all = new ArrayList<>();
        for (int i = 0; i < report.targets().size(); i++) {
            TargetResult t = report.targets().get(i);
            if (!t.timeline().isEmpty()) {
                all.add(series(t.name(), color(i), "", t.timeline(), Sample::linearBytes));
            }
        }
        TargetResult withTimeline = firstWithTimeline(report);
        if (withTimeline != null) {
            all.add(series("live bytes (recording)", LIVE_COLOR, "6 4", withTimeline.timeline(), Sample::liveBytes));
            sb.append("<figure>\n").append(SvgCharts.lineChart(id + "-all",
                    "Linear memory of every target and the recording's live bytes, by events replayed", all,
                    WIDE_WIDTH, WIDE_HEIGHT));
            legend(sb, all);
            sb.append("</figure>\n");
            charts++;
            charts += zoomedChart(sb, id, report, all);
        } else {
            sb.append("<p>No samples were recorded.</p>\n");
        }
        sb.append("<h3>Per target</h3>\n<div class=\"grid\">\n");
        for (int i = 0; i < report.targets().size(); i++) {
            TargetResult t = report.targets().get(i);
            sb.append("<figure>\n<figcaption>").append(Html.escape(t.name())).append("</figcaption>\n");
            if (t.timeline().isEmpty()) {
                sb.append("<p>No samples.</p>\n");
            } else {
                List<SvgCharts.Series> pair = List.of(
                        series("linear memory", color(i), "", t.timeline(), Sample::linearBytes),
                        series("live bytes", LIVE_COLOR, "6 4", t.timeline(), Sample::liveBytes));
                sb.append(SvgCharts.lineChart(id + "-timeline-" + i,
                        t.name() + ": linear memory and live bytes by events replayed", pair,
                        SMALL_WIDTH, SMALL_HEIGHT));
                legend(sb, pair);
                charts++;
            }
            sb.append("</figure>\n");
        }
        sb.append("</div>\n");
        charts += strips(sb, id, report);
        sb.append("</section>\n");
        return charts;
    }

    /**
     * When one target's peak dwarfs another's (more than {@value #ZOOM_TRIGGER} times), a second
     * chart of every target zoomed to twice the lowest peak, so the small ones can be told apart;
     * returns the number of charts added (0 or 1).
     */
    private static int zoomedChart(StringBuilder sb, String id, ReplayReport report, List<SvgCharts.Series> all) {
        long lowest = Long.MAX_VALUE;
        long highest = 0;
        for (TargetResult t : report.targets()) {
            if (!t.timeline().isEmpty()) {
                lowest = Math.min(lowest, t.peakLinearBytes());
                highest = Math.max(highest, t.peakLinearBytes());
            }
        }
        if (lowest == 0 || lowest == Long.MAX_VALUE || highest <= ZOOM_TRIGGER * lowest) {
            return 0;
        }
        long cap = SvgCharts.Axis.bytes(Math.max(2 * lowest, 2 * highestLive(report))).max();
        List<String> beyond = new ArrayList<>();
        for (TargetResult t : report.targets()) {
            if (!t.timeline().isEmpty() && t.peakLinearBytes() > cap) {
                beyond.add(t.name() + " (" + Units.bytes(t.peakLinearBytes()) + ")");
            }
        }
        sb.append("<figure>\n<figcaption class=\"zoom\">Zoomed to ").append(Html.escape(Units.bytes(cap)))
                .append(": ").append(Html.escape(String.join(", ", beyond)))
                .append(beyond.size() == 1 ? " goes" : " go").append(" beyond, drawn along the top edge</figcaption>\n")
                .append(SvgCharts.lineChart(id + "-zoom", "Linear memory of every target, zoomed to "
                        + Units.bytes(cap), all, WIDE_WIDTH, WIDE_HEIGHT, cap));
        legend(sb, all);
        sb.append("</figure>\n");
        return 1;
    }

    private static long highestLive(ReplayReport report) {
        long live = 0;
        for (TargetResult t : report.targets()) {
            live = Math.max(live, t.peakLiveBytes());
        }
        return live;
    }

    private static TargetResult firstWithTimeline(ReplayReport report) {
        for (TargetResult t : report.targets()) {
            if (!t.timeline().isEmpty()) {
                return t;
            }
        }
        return null;
    }

    private static int strips(StringBuilder sb, String id, ReplayReport report) {
        sb.append("<h3>Address space at its peak</h3>\n<p class=\"note\">Each strip is one target's linear "
                + "memory when it last grew, from address 0 (left) to its end (right), each to its own scale: ");
        for (PeakMap.Kind kind : PeakMap.Kind.values()) {
            sb.append("<span class=\"swatch ").append(SvgCharts.kindClass(kind)).append("\"></span>")
                    .append(Html.escape(SvgCharts.kindLabel(kind))).append(' ');
        }
        sb.append("</p>\n");
        int charts = 0;
        sb.append("<div class=\"strips\">\n");
        for (int i = 0; i < report.targets().size(); i++) {
            TargetResult t = report.targets().get(i);
            PeakMap map = t.peakMap();
            long totalBytes = map.totalPages() * map.pageBytes();
            sb.append("<div class=\"strip-row\"><div class=\"strip-label\">").append(Html.escape(t.name()))
                    .append("<span>").append(Units.bytes(totalBytes)).append(", ")
                    .append(Units.bytes(map.pagesOf(PeakMap.Kind.LEAKED) * map.pageBytes()))
                    .append(" leaked, ")
                    .append(Units.bytes(map.pagesOf(PeakMap.Kind.FREE) * map.pageBytes()))
                    .append(" not live, ").append(Units.count(map.runs().size())).append(" runs of ")
                    .append(Units.bytes(map.pageBytes())).append(" pages</span></div>\n");
            if (map.totalPages() == 0) {
                sb.append("<p class=\"empty\">nothing allocated</p>");
            } else {
                sb.append(SvgCharts.strip(id + "-peak-" + i, t.name() + ": address space at its peak", map));
                charts++;
            }
            sb.append("</div>\n");
        }
        sb.append("</div>\n");
        return charts;
    }

    private static void table(StringBuilder sb, ReplayReport report) {
        sb.append("<div class=\"table-wrap\"><table>\n<thead><tr><th>target</th><th>peak linear</th>"
                + "<th>peak live</th><th>overhead</th><th>leaked</th><th>copied</th><th>cleared</th>"
                + "<th>in place kept</th><th>lost</th><th>failed calls</th><th>OOM</th><th>replayed</th>"
                + "<th>skipped</th><th>replay</th><th>per event</th></tr></thead>\n<tbody>\n");
        long lowestPeak = Long.MAX_VALUE;
        for (TargetResult t : report.targets()) {
            lowestPeak = Math.min(lowestPeak, t.peakLinearBytes());
        }
        for (int i = 0; i < report.targets().size(); i++) {
            TargetResult t = report.targets().get(i);
            sb.append("<tr><th scope=\"row\" title=\"").append(Html.escape(t.description())).append("\">")
                    .append("<span class=\"dot\" style=\"background:").append(color(i)).append("\"></span>")
                    .append(Html.escape(t.name())).append("</th>");
            bytesCell(sb, t.peakLinearBytes(), t.peakLinearBytes() == lowestPeak ? "best" : "");
            bytesCell(sb, t.peakLiveBytes(), "");
            cell(sb, Units.ratio(t.overhead()), "");
            bytesCell(sb, t.leakedBytes(), t.leakedBytes() > 0 ? "bad" : "");
            bytesCell(sb, t.copiedBytes(), "");
            bytesCell(sb, t.clearedBytes(), "");
            cell(sb, Units.count(t.inPlaceKept()), "");
            cell(sb, Units.count(t.inPlaceLost()), t.inPlaceLost() > 0 ? "bad" : "");
            sb.append("<td class=\"text").append(t.failedCallCount() > 0 ? " bad" : "").append("\">")
                    .append(Html.escape(TableReport.failedCalls(t.failedCalls()))).append("</td>");
            cell(sb, Units.count(t.outOfMemoryEvents()), t.outOfMemoryEvents() > 0 ? "bad" : "");
            cell(sb, Units.count(t.eventsReplayed()), "");
            cell(sb, Units.count(t.eventsSkipped()), "");
            cell(sb, Units.duration(t.replayNanos()), "");
            cell(sb, Units.nanosPerEvent(t.nsPerEvent()), "");
            sb.append("</tr>\n");
        }
        sb.append("</tbody></table></div>\n<dl class=\"targets\">\n");
        for (TargetResult t : report.targets()) {
            sb.append("<dt>").append(Html.escape(t.name())).append("</dt><dd>").append(Html.escape(t.description()))
                    .append("</dd>\n");
        }
        sb.append("</dl>\n");
    }

    private static void bytesCell(StringBuilder sb, long bytes, String cssClass) {
        sb.append("<td class=\"num").append(cssClass.isEmpty() ? "" : " " + cssClass).append("\" title=\"")
                .append(Units.count(bytes)).append(" bytes\">").append(Html.escape(Units.bytes(bytes))).append("</td>");
    }

    private static void cell(StringBuilder sb, String text, String cssClass) {
        sb.append("<td class=\"num").append(cssClass.isEmpty() ? "" : " " + cssClass).append("\">")
                .append(Html.escape(text)).append("</td>");
    }

    private static void legend(StringBuilder sb, List<SvgCharts.Series> series) {
        sb.append("<div class=\"legend\">");
        for (SvgCharts.Series s : series) {
            sb.append("<span><span class=\"key").append(s.dashArray().isEmpty() ? "" : " dashed")
                    .append("\" style=\"border-color:").append(Html.escape(s.color())).append("\"></span>")
                    .append(Html.escape(s.label())).append("</span>");
        }
        sb.append("</div>\n");
    }

    private static SvgCharts.Series series(String label, String color, String dashArray, List<Sample> timeline,
                                           ToLongFunction<Sample> value) {
        long[] x = new long[timeline.size()];
        long[] y = new long[timeline.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = timeline.get(i).eventIndex();
            y[i] = value.applyAsLong(timeline.get(i));
        }
        return new SvgCharts.Series(label, color, dashArray, x, y);
    }

    private static String color(int targetIndex) {
        return PALETTE.get(targetIndex % PALETTE.size());
    }

    private static final String CSS = """
            :root { --fg: #1d1d1f; --muted: #6b6b70; --line: #d9d9de; --bg: #ffffff; --alt: #f6f6f8; }
            * { box-sizing: border-box; }
            body { margin: 0; padding: 24px 32px 48px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI",
              Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: var(--bg); }
            header, main { max-width: 1400px; margin: 0 auto; }
            h1 { font-size: 22px; margin: 0 0 4px; }
            h2 { font-size: 19px; margin: 32px 0 2px; font-family: ui-monospace, Menlo, Consolas, monospace; }
            h3 { font-size: 15px; margin: 28px 0 8px; }
            header p, .meta, .note { color: var(--muted); margin: 4px 0 12px; }
            .table-wrap { overflow-x: auto; }
            table { border-collapse: collapse; font-variant-numeric: tabular-nums; white-space: nowrap; }
            table { font-size: 13px; }
            th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: right; vertical-align: top; }
            thead th { font-weight: 600; color: var(--muted); font-size: 12px; border-bottom: 2px solid var(--line);
              white-space: normal; vertical-align: bottom; }
            thead th:first-child, tbody th { text-align: left; }
            tbody tr:nth-child(even) { background: var(--alt); }
            tbody th { font-weight: 600; font-family: ui-monospace, Menlo, Consolas, monospace; }
            dl.targets { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 10px 0 0;
              font-size: 13px; }
            dl.targets dt { font-family: ui-monospace, Menlo, Consolas, monospace; font-weight: 600; }
            dl.targets dd { margin: 0; color: var(--muted); }
            figcaption.zoom { font: 13px system-ui, sans-serif; color: var(--muted); margin: 12px 0 4px; }
            td.text { text-align: left; white-space: normal; min-width: 10em; }
            td.best { font-weight: 700; color: #006d3c; }
            td.bad { color: #b3261e; }
            .dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 6px; }
            figure { margin: 0 0 12px; }
            figcaption { font-weight: 600; font-family: ui-monospace, Menlo, Consolas, monospace; }
            .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 16px 28px; }
            svg.chart { display: block; width: 100%; height: auto; }
            svg .grid { stroke: #ececf0; }
            svg .axis { stroke: #9a9aa0; }
            svg text { font: 11px system-ui, sans-serif; fill: var(--muted); }
            svg .axis-title { font-size: 12px; }
            .legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 12px; color: var(--muted); }
            .legend .key { display: inline-block; width: 22px; height: 0; border-top: 3px solid; margin-right: 6px;
              vertical-align: middle; }
            .legend .key.dashed { border-top-style: dashed; }
            .strips { max-width: 1400px; }
            .strip-row { margin: 0 0 10px; }
            .strip-label { font-family: ui-monospace, Menlo, Consolas, monospace; font-weight: 600; }
            .strip-label span { font: 12px system-ui, sans-serif; color: var(--muted); margin-left: 10px; }
            svg.strip { height: 28px; width: 100%; border: 1px solid #c8c8ce; }
            .live { fill: #0072B2; background: #0072B2; }
            .reserved { fill: #b9c7d6; background: #b9c7d6; }
            .break { fill: #E69F00; background: #E69F00; }
            .leaked { fill: #D55E00; background: #D55E00; }
            .free { fill: #e8e8ec; background: #e8e8ec; }
            .swatch { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 8px; vertical-align: -1px;
              border: 1px solid #ccc; }
            """;

    private static final String SCRIPT = """
            (function () {
              'use strict';
              var drawn = 0;
              var charts = document.querySelectorAll('svg.chart');
              charts.forEach(function (svg) {
                var box = svg.getBoundingClientRect();
                var marks = svg.querySelectorAll('.mark');
                var ok = box.width > 0 && box.height > 0 && marks.length > 0
                    && marks.length === Number(svg.getAttribute('data-marks'));
                marks.forEach(function (mark) {
                  var b = mark.getBBox();
                  if (!(b.width > 0 || b.height > 0)) { ok = false; }
                });
                svg.setAttribute('data-drawn', ok ? 'yes' : 'no');
                if (ok) { drawn++; }
              });
              window.linmemChartsDrawn = drawn;
              document.documentElement.setAttribute('data-charts-drawn', String(drawn));
            })();
            """;
}
