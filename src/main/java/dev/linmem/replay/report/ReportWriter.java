package dev.linmem.replay.report;

import dev.linmem.replay.ReplayReport;

import java.io.IOException;
import java.util.List;

/**
 * Writes the results of one or more replays (one {@link ReplayReport} per trace) in one format.
 * Obtain one from {@link ReportFormat#writer()}.
 */
public interface ReportWriter {

    /** Writes {@code reports}, in order, to {@code out}; does not close it. */
    void write(List<ReplayReport> reports, Appendable out) throws IOException;

    /** Convenience: the reports as one string. */
    default String render(List<ReplayReport> reports) {
        StringBuilder sb = new StringBuilder();
        try {
            write(reports, sb);
        } catch (IOException e) {
            throw new AssertionError("a StringBuilder does not throw", e);
        }
        return sb.toString();
    }
}
