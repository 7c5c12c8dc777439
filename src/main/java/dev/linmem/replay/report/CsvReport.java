package dev.linmem.replay.report;

import dev.linmem.replay.ReplayReport;
import dev.linmem.replay.TargetResult;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The CSV report (RFC 4180, {@code \n} line ends): a header row, then one row per trace and
 * target with exact numbers (bytes, nanoseconds). Failed calls are one field,
 * {@code ENOMEM=13;EINVAL=2}, with their total in {@code failedCallsTotal}.
 */
final class CsvReport implements ReportWriter {

    /** The columns, in order; documented in docs/cli.md. */
    static final List<String> COLUMNS = List.of(
            "trace", "format", "addressSpace", "events", "parseNanos",
            "target", "description", "eventsReplayed", "eventsSkipped",
            "peakLinearBytes", "peakLinearPages", "peakLiveBytes", "overhead",
            "failedCallsTotal", "failedCalls", "leakedBytes", "copiedBytes", "clearedBytes",
            "inPlaceKept", "inPlaceLost", "outOfMemoryEvents", "replayNanos", "nsPerEvent");

    @Override
    public void write(List<ReplayReport> reports, Appendable out) throws IOException {
        out.append(Csv.row(COLUMNS)).append('\n');
        for (ReplayReport report : reports) {
            for (TargetResult t : report.targets()) {
                out.append(Csv.row(row(report, t))).append('\n');
            }
        }
    }

    private static List<String> row(ReplayReport r, TargetResult t) {
        List<String> cells = new ArrayList<>(COLUMNS.size());
        cells.add(r.trace());
        cells.add(r.format());
        cells.add(r.addressSpace());
        cells.add(Long.toString(r.events()));
        cells.add(Long.toString(r.parseNanos()));
        cells.add(t.name());
        cells.add(t.description());
        cells.add(Long.toString(t.eventsReplayed()));
        cells.add(Long.toString(t.eventsSkipped()));
        cells.add(Long.toString(t.peakLinearBytes()));
        cells.add(Long.toString(t.peakLinearPages()));
        cells.add(Long.toString(t.peakLiveBytes()));
        cells.add(decimal(t.overhead()));
        long total = 0;
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Long> e : t.failedCalls().entrySet()) {
            total += e.getValue();
            parts.add(e.getKey() + "=" + e.getValue());
        }
        cells.add(Long.toString(total));
        cells.add(String.join(";", parts));
        cells.add(Long.toString(t.leakedBytes()));
        cells.add(Long.toString(t.copiedBytes()));
        cells.add(Long.toString(t.clearedBytes()));
        cells.add(Long.toString(t.inPlaceKept()));
        cells.add(Long.toString(t.inPlaceLost()));
        cells.add(Long.toString(t.outOfMemoryEvents()));
        cells.add(Long.toString(t.replayNanos()));
        cells.add(decimal(t.nsPerEvent()));
        return cells;
    }

    /** A decimal as Java prints it, or the empty field when it is not finite. */
    private static String decimal(double value) {
        return Double.isFinite(value) ? Double.toString(value) : "";
    }
}
