package dev.linmem.replay.report;

/** The report formats, each with its writer. */
public enum ReportFormat {
    /** An aligned plain-text table per trace, human units; what the command line prints. */
    TABLE(new TableReport()),
    /** The stable JSON schema of docs/cli.md. */
    JSON(new JsonReport()),
    /** One CSV row per trace and target, with a header row; exact numbers. */
    CSV(new CsvReport()),
    /** One self-contained HTML file: the table and the charts, no network needed. */
    HTML(new HtmlReport());

    private final ReportWriter writer;

    ReportFormat(ReportWriter writer) {
        this.writer = writer;
    }

    /** The writer for this format; stateless and safe to share. */
    public ReportWriter writer() {
        return writer;
    }
}
