/**
 * Layer 6: the reports of a replay. {@link dev.linmem.replay.ReplayReport}s in, text out: an
 * aligned table in human units (what the command line prints), the stable JSON schema, CSV, and
 * one self-contained HTML file with the table and charts. Choose one with {@link
 * dev.linmem.replay.report.ReportFormat}.
 *
 * <p>May use: {@code dev.linmem.replay} (the result records) and the JDK only; no JSON, CSV or
 * charting library. Used by {@code dev.linmem.cli} and by programs embedding the replayer.
 *
 * <p>Vocabulary: a <em>report</em> is one trace's results ({@code ReplayReport}); a
 * <em>chart</em> is one inline {@code <svg class="chart">}; a <em>mark</em> is one drawn data
 * element of a chart (a series line, a run of pages); a <em>strip</em> is the address space at
 * its peak drawn as runs of live, reserved, brk and free pages. Sizes are formatted in binary
 * units (KiB, MiB, GiB) by {@link dev.linmem.replay.report.Units}.
 */
package dev.linmem.replay.report;
