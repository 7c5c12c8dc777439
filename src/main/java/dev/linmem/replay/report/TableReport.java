package dev.linmem.replay.report;

import dev.linmem.replay.ReplayReport;
import dev.linmem.replay.TargetResult;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.linmem.replay.report.TextTable.Align.LEFT;
import static dev.linmem.replay.report.TextTable.Align.RIGHT;

/**
 * The plain-text report: per trace a heading line, one table row per target in human units, the
 * targets' descriptions and a legend. Exact figures are in the JSON and CSV reports.
 */
final class TableReport implements ReportWriter {

    private static final List<String> HEADERS = List.of(
            "target", "peak linear", "peak live", "overhead", "leaked", "copied", "cleared",
            "in place kept", "lost", "failed calls", "OOM", "replayed", "skipped", "replay", "per event");

    private static final List<TextTable.Align> ALIGNS = List.of(
            LEFT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT,
            RIGHT, RIGHT, LEFT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT);

    @Override
    public void write(List<ReplayReport> reports, Appendable out) throws IOException {
        for (int i = 0; i < reports.size(); i++) {
            if (i > 0) {
                out.append('\n');
            }
            writeOne(reports.get(i), out);
        }
    }

    private static void writeOne(ReplayReport report, Appendable out) throws IOException {
        out.append(heading(report)).append("\n\n");
        if (report.targets().isEmpty()) {
            out.append("no target replayed this trace\n");
            return;
        }
        TextTable table = new TextTable(HEADERS, ALIGNS);
        for (TargetResult t : report.targets()) {
            table.addRow(row(t));
        }
        out.append(table.render()).append('\n');
        int nameWidth = 0;
        for (TargetResult t : report.targets()) {
            nameWidth = Math.max(nameWidth, t.name().length());
        }
        for (TargetResult t : report.targets()) {
            out.append("  ").append(t.name()).append(" ".repeat(nameWidth - t.name().length()))
                    .append("  ").append(t.description()).append('\n');
        }
        out.append('\n').append(LEGEND);
    }

    /** The line naming the trace, its format, the replayed address space, events and parse time. */
    static String heading(ReplayReport report) {
        return report.trace() + "  (" + report.format() + ", address space " + report.addressSpace()
                + ", " + Units.count(report.events()) + " events, read in "
                + Units.duration(report.parseNanos()) + ")";
    }

    private static List<String> row(TargetResult t) {
        List<String> cells = new ArrayList<>(HEADERS.size());
        cells.add(t.name());
        cells.add(Units.bytes(t.peakLinearBytes()));
        cells.add(Units.bytes(t.peakLiveBytes()));
        cells.add(Units.ratio(t.overhead()));
        cells.add(Units.bytes(t.leakedBytes()));
        cells.add(Units.bytes(t.copiedBytes()));
        cells.add(Units.bytes(t.clearedBytes()));
        cells.add(Units.count(t.inPlaceKept()));
        cells.add(Units.count(t.inPlaceLost()));
        cells.add(failedCalls(t.failedCalls()));
        cells.add(Units.count(t.outOfMemoryEvents()));
        cells.add(Units.count(t.eventsReplayed()));
        cells.add(Units.count(t.eventsSkipped()));
        cells.add(Units.duration(t.replayNanos()));
        cells.add(Units.nanosPerEvent(t.nsPerEvent()));
        return cells;
    }

    /** {@code ENOMEM 13, EINVAL 2} in the map's order, or {@code -} when the target failed nothing. */
    static String failedCalls(Map<String, Long> failedCalls) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Long> e : failedCalls.entrySet()) {
            if (e.getValue() != 0) {
                parts.add(e.getKey() + " " + Units.count(e.getValue()));
            }
        }
        return parts.isEmpty() ? "-" : String.join(", ", parts);
    }

    private static final String LEGEND = """
            peak linear: the wasm memory's high-water mark (it never shrinks); peak live: what the \
            recording held at most (the lower bound)
            overhead = peak linear / peak live; failed calls: failures the target produced that the \
            recording did not have
            in place kept/lost: recorded in-place growths the target also did in place / had to move \
            (copy); OOM: out-of-memory events
            """;
}
