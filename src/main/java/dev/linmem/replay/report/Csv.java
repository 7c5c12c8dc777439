package dev.linmem.replay.report;

import java.util.List;

/** Comma-separated values as RFC 4180 writes them: quoted only when needed, CRLF-free rows. */
final class Csv {

    private Csv() {
    }

    /**
     * Returns {@code text} as one CSV field: unchanged unless it holds a comma, a double quote, a
     * carriage return or a line feed (or starts or ends with a space), in which case it is
     * quoted and its double quotes doubled.
     */
    static String field(String text) {
        boolean needsQuotes = text.indexOf(',') >= 0 || text.indexOf('"') >= 0
                || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0
                || (!text.isEmpty() && (text.charAt(0) == ' ' || text.charAt(text.length() - 1) == ' '));
        if (!needsQuotes) {
            return text;
        }
        return '"' + text.replace("\"", "\"\"") + '"';
    }

    /** Returns one row of fields joined by commas, without a line terminator. */
    static String row(List<String> fields) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(field(fields.get(i)));
        }
        return sb.toString();
    }
}
