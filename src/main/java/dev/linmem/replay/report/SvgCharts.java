package dev.linmem.replay.report;

import dev.linmem.replay.PeakMap;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report's charts as inline SVG: line charts of bytes over replayed events, and strips of an
 * address space's pages.
 *
 * <p>Every chart is an {@code <svg class="chart">} with a {@code data-chart} kind and a
 * {@code data-marks} count; each drawn data element (a series line, a run of pages) carries the
 * class {@code mark}. The report's script checks in the browser that every chart laid out with a
 * non-empty box and that each of its marks has a non-empty bounding box (see {@link HtmlReport}).
 *
 * <p>Algorithm (line charts): the x axis runs from event 0 to the last sampled event, the y axis
 * from 0 bytes to the largest value rounded up to a "nice" step (1, 2 or 5 times a power of ten
 * of the binary unit that fits). Series with more points than {@value #MAX_POINTS_PER_SERIES}
 * keep, per horizontal pixel bucket, the points with the lowest and the highest value and the
 * last one, so peaks survive thinning.
 */
final class SvgCharts {

    /** Strip chart width in SVG user units (the page stretches it to its column). */
    static final int STRIP_WIDTH = 1000;

    /** Strip chart height in SVG user units and CSS pixels. */
    static final int STRIP_HEIGHT = 28;

    /** Most points drawn per series; more are thinned to the per-bucket extremes. */
    static final int MAX_POINTS_PER_SERIES = 1200;

    /** Above this many runs a strip is drawn per pixel column, coloured by the column's majority kind. */
    static final int MAX_RUNS_DRAWN_EXACTLY = 3000;

    private static final int LEFT = 78;
    private static final int RIGHT = 16;
    private static final int TOP = 14;
    private static final int BOTTOM = 42;

    private SvgCharts() {
    }

    /**
     * One line of a chart.
     *
     * @param label     the legend text
     * @param color     a CSS colour
     * @param dashArray an SVG stroke-dasharray, or empty for a solid line
     * @param x         event indices, ascending
     * @param y         values in bytes, one per x
     */
    record Series(String label, String color, String dashArray, long[] x, long[] y) {
        Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("x and y differ in length");
            }
        }
    }

    /**
     * A line chart of the series over events, {@code width} by {@code height} SVG user units (the
     * page scales it to its column, so smaller charts get relatively larger text); {@code title}
     * labels it for assistive technology.
     */
    static String lineChart(String id, String title, List<Series> series, int width, int height) {
        return lineChart(id, title, series, width, height, Long.MAX_VALUE);
    }

    /**
     * As {@link #lineChart(String, String, List, int, int)}, with the y axis ending at the nice
     * step at or above {@code capBytes} ({@link Axis#bytes}): larger values are drawn along the
     * top edge (a zoomed view).
     */
    static String lineChart(String id, String title, List<Series> series, int width, int height, long capBytes) {
        long maxX = 1;
        long maxY = 1;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                maxX = Math.max(maxX, s.x()[i]);
                maxY = Math.max(maxY, Math.min(capBytes, s.y()[i]));
            }
        }
        Axis yAxis = Axis.bytes(maxY);
        Axis xAxis = Axis.counts(maxX);
        int plotW = width - LEFT - RIGHT;
        int plotH = height - TOP - BOTTOM;
        StringBuilder sb = new StringBuilder();
        sb.append("<svg class=\"chart line-chart\" id=\"").append(Html.escape(id))
                .append("\" data-chart=\"timeline\" data-marks=\"").append(series.size())
                .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" role=\"img\" aria-label=\"").append(Html.escape(title))
                .append("\" xmlns=\"http://www.w3.org/2000/svg\">\n");
        sb.append("<title>").append(Html.escape(title)).append("</title>\n");
        for (long tick = 0; tick <= yAxis.max(); tick += yAxis.step()) {
            double py = TOP + plotH - (double) tick / yAxis.max() * plotH;
            sb.append(String.format(Locale.ROOT,
                    "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
                            + "<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                    LEFT, py, LEFT + plotW, py, LEFT - 6, py + 4, Html.escape(yAxis.label(tick))));
        }
        for (long tick = 0; tick <= xAxis.max(); tick += xAxis.step()) {
            double px = LEFT + (double) tick / xAxis.max() * plotW;
            sb.append(String.format(Locale.ROOT,
                    "<line class=\"axis\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
                            + "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                    px, TOP + plotH, px, TOP + plotH + 4, px, TOP + plotH + 17, Html.escape(xAxis.label(tick))));
        }
        sb.append(String.format(Locale.ROOT,
                "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
                        + "<text class=\"axis-title\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">events replayed</text>\n",
                LEFT, TOP + plotH, LEFT + plotW, TOP + plotH, LEFT + plotW / 2, height - 6));
        for (Series s : series) {
            sb.append("<polyline class=\"mark series\" fill=\"none\" stroke=\"").append(Html.escape(s.color()))
                    .append("\" stroke-width=\"2\" stroke-linejoin=\"round\"");
            if (!s.dashArray().isEmpty()) {
                sb.append(" stroke-dasharray=\"").append(Html.escape(s.dashArray())).append('"');
            }
            sb.append(" data-label=\"").append(Html.escape(s.label())).append("\" points=\"");
            int[] keep = thin(s.x(), s.y(), maxX, plotW);
            for (int k = 0; k < keep.length; k++) {
                int i = keep[k];
                double px = LEFT + (double) s.x()[i] / xAxis.max() * plotW;
                double py = TOP + plotH - (double) Math.min(yAxis.max(), s.y()[i]) / yAxis.max() * plotH;
                sb.append(String.format(Locale.ROOT, k == 0 ? "%.1f,%.1f" : " %.1f,%.1f", px, py));
            }
            if (keep.length == 1) {
                // A single sample still draws: the value held from that event to the axis's end.
                sb.append(String.format(Locale.ROOT, " %.1f,%.1f", (double) LEFT + plotW,
                        TOP + plotH - (double) Math.min(yAxis.max(), s.y()[keep[0]]) / yAxis.max() * plotH));
            }
            sb.append("\"><title>").append(Html.escape(s.label())).append("</title></polyline>\n");
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    /**
     * Indices of the points to draw: all of them when there are few; otherwise per bucket of
     * x values the first, lowest, highest and last point, in x order.
     */
    static int[] thin(long[] x, long[] y, long maxX, int buckets) {
        if (x.length <= MAX_POINTS_PER_SERIES) {
            int[] all = new int[x.length];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            return all;
        }
        List<Integer> keep = new ArrayList<>();
        int i = 0;
        while (i < x.length) {
            long bucket = x[i] * buckets / Math.max(1, maxX);
            int first = i;
            int low = i;
            int high = i;
            int j = i;
            while (j < x.length && x[j] * buckets / Math.max(1, maxX) == bucket) {
                if (y[j] < y[low]) {
                    low = j;
                }
                if (y[j] > y[high]) {
                    high = j;
                }
                j++;
            }
            int last = j - 1;
            int[] picks = {first, Math.min(low, high), Math.max(low, high), last};
            for (int p : picks) {
                if (keep.isEmpty() || keep.get(keep.size() - 1) < p) {
                    keep.add(p);
                }
            }
            i = j;
        }
        return keep.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * A strip of the address space's pages at its peak, from page 0 at the left to the end of the
     * linear memory at the right, one rectangle per run (or per pixel column for very fragmented
     * maps). Each strip has its own scale: its caption gives the size.
     */
    static String strip(String id, String title, PeakMap map) {
        double width = STRIP_WIDTH;
        int height = STRIP_HEIGHT;
        List<PeakMap.Run> runs = map.runs().size() > MAX_RUNS_DRAWN_EXACTLY
                ? majorityColumns(map, STRIP_WIDTH) : map.runs();
        StringBuilder sb = new StringBuilder();
        sb.append("<svg class=\"chart strip\" id=\"").append(Html.escape(id))
                .append("\" data-chart=\"peak-map\" data-marks=\"").append(runs.size())
                .append(String.format(Locale.ROOT, "\" viewBox=\"0 0 %d %d\" preserveAspectRatio=\"none\"",
                        STRIP_WIDTH, height))
                .append(" role=\"img\" aria-label=\"").append(Html.escape(title))
                .append("\" xmlns=\"http://www.w3.org/2000/svg\">\n");
        sb.append("<title>").append(Html.escape(title)).append("</title>\n");
        double pagesToUnits = map.totalPages() == 0 ? 0 : width / map.totalPages();
        for (PeakMap.Run run : runs) {
            double x = run.startPage() * pagesToUnits;
            double w = run.pageCount() * pagesToUnits;
            sb.append(String.format(Locale.ROOT,
                    "<rect class=\"mark run %s\" x=\"%.3f\" y=\"0\" width=\"%.3f\" height=\"%d\">",
                    kindClass(run.kind()), x, w, height));
            sb.append("<title>").append(Html.escape(kindLabel(run.kind()))).append(": ")
                    .append(Html.escape(Units.bytes(run.pageCount() * map.pageBytes())))
                    .append(" at ").append(String.format(Locale.ROOT, "0x%x",
                            map.baseAddress() + run.startPage() * map.pageBytes()))
                    .append("</title></rect>\n");
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    /** The CSS class of a run's kind: {@code live}, {@code reserved}, {@code break}, {@code leaked}, {@code free}. */
    static String kindClass(PeakMap.Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    /** The legend text of a run's kind. */
    static String kindLabel(PeakMap.Kind kind) {
        return switch (kind) {
            case LIVE -> "live (mapped or allocated)";
            case RESERVED -> "reserved (PROT_NONE)";
            case BREAK -> "brk heap";
            case LEAKED -> "leaked (refused munmap or shrink)";
            case FREE -> "not live (free, fragmentation, allocator overhead)";
        };
    }

    /**
     * Runs of {@code columns} equal page buckets, each of the kind covering most of its pages,
     * adjacent buckets of one kind merged: a fragmented map drawn at the resolution of the screen.
     */
    static List<PeakMap.Run> majorityColumns(PeakMap map, int columns) {
        long total = map.totalPages();
        List<PeakMap.Run> out = new ArrayList<>();
        if (total == 0) {
            return out;
        }
        int runIndex = 0;
        PeakMap.Kind[] kinds = PeakMap.Kind.values();
        for (int c = 0; c < columns; c++) {
            long start = total * c / columns;
            long end = total * (c + 1) / columns;
            if (end <= start) {
                continue;
            }
            long[] pagesByKind = new long[kinds.length];
            while (runIndex < map.runs().size() && map.runs().get(runIndex).endPage() <= start) {
                runIndex++;
            }
            for (int r = runIndex; r < map.runs().size() && map.runs().get(r).startPage() < end; r++) {
                PeakMap.Run run = map.runs().get(r);
                long overlap = Math.min(end, run.endPage()) - Math.max(start, run.startPage());
                pagesByKind[run.kind().ordinal()] += overlap;
            }
            PeakMap.Kind majority = PeakMap.Kind.FREE;
            long best = -1;
            for (PeakMap.Kind k : kinds) {
                if (pagesByKind[k.ordinal()] > best) {
                    best = pagesByKind[k.ordinal()];
                    majority = k;
                }
            }
            PeakMap.Run last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.kind() == majority && last.endPage() == start) {
                out.set(out.size() - 1, new PeakMap.Run(last.startPage(), end - last.startPage(), majority));
            } else {
                out.add(new PeakMap.Run(start, end - start, majority));
            }
        }
        return out;
    }

    /**
     * An axis from 0 to {@code max} in steps of {@code step}, both in the axis's unit (bytes or
     * events), labelled by dividing by {@code divisor} and appending {@code suffix}.
     */
    record Axis(long max, long step, long divisor, String suffix) {

        private static final long[] MANTISSAS = {1, 2, 5};

        /** Most ticks on an axis (besides 0). */
        private static final int MAX_TICKS = 6;

        /** A byte axis in the binary unit that fits {@code maxBytes}, ending at or above it. */
        static Axis bytes(long maxBytes) {
            String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
            int unit = 0;
            long divisor = 1;
            while (unit + 1 < units.length && maxBytes >= divisor * 1024) {
                divisor *= 1024;
                unit++;
            }
            return nice(maxBytes, divisor, " " + units[unit]);
        }

        /** A count axis, labelled in k or M from ten thousand or ten million, ending at or above {@code maxCount}. */
        static Axis counts(long maxCount) {
            if (maxCount >= 10_000_000) {
                return nice(maxCount, 1_000_000, "M");
            }
            if (maxCount >= 10_000) {
                return nice(maxCount, 1_000, "k");
            }
            return nice(maxCount, 1, "");
        }

        private static Axis nice(long max, long divisor, String suffix) {
            long scaled = Math.max(1, (max + divisor - 1) / divisor);
            for (long power = 1; ; power *= 10) {
                for (long m : MANTISSAS) {
                    long stepScaled = m * power;
                    long ticks = (scaled + stepScaled - 1) / stepScaled;
                    if (ticks <= MAX_TICKS) {
                        long step = stepScaled * divisor;
                        return new Axis(ticks * step, step, divisor, suffix);
                    }
                }
            }
        }

        String label(long value) {
            return value == 0 ? "0" : value / divisor + suffix;
        }
    }
}
