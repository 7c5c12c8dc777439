package dev.linmem.replay.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table: a header row and data rows, each column padded to its widest cell, text
 * columns aligned left and number columns right, columns separated by two spaces, and a rule of
 * dashes under the header.
 *
 * <p>Invariant: every row has exactly one cell per column.
 */
final class TextTable {

    /** Which side of its column a cell is flush with. */
    enum Align { LEFT, RIGHT }

    private final List<String> headers;
    private final List<Align> aligns;
    private final List<List<String>> rows = new ArrayList<>();

    TextTable(List<String> headers, List<Align> aligns) {
        if (headers.size() != aligns.size()) {
            throw new IllegalArgumentException("headers and aligns differ in length");
        }
        this.headers = List.copyOf(headers);
        this.aligns = List.copyOf(aligns);
    }

    /** Adds a row; it must have one cell per column. */
    TextTable addRow(List<String> cells) {
        if (cells.size() != headers.size()) {
            throw new IllegalArgumentException("row has " + cells.size() + " cells, table has "
                    + headers.size() + " columns");
        }
        rows.add(List.copyOf(cells));
        return this;
    }

    /** Renders the table, each line ending with {@code \n}, no trailing spaces. */
    String render() {
        int[] widths = new int[headers.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = headers.get(c).length();
            for (List<String> row : rows) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        appendLine(sb, headers, widths);
        List<String> rule = new ArrayList<>();
        for (int width : widths) {
            rule.add("-".repeat(width));
        }
        appendLine(sb, rule, widths);
        for (List<String> row : rows) {
            appendLine(sb, row, widths);
        }
        return sb.toString();
    }

    private void appendLine(StringBuilder sb, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            if (c > 0) {
                line.append("  ");
            }
            String cell = cells.get(c);
            String pad = " ".repeat(widths[c] - cell.length());
            if (aligns.get(c) == Align.RIGHT) {
                line.append(pad).append(cell);
            } else {
                line.append(cell).append(pad);
            }
        }
        int end = line.length();
        while (end > 0 && line.charAt(end - 1) == ' ') {
            end--;
        }
        sb.append(line, 0, end).append('\n');
    }
}
