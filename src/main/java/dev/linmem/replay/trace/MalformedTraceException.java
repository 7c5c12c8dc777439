package dev.linmem.replay.trace;

import java.io.IOException;

/**
 * A trace that does not follow its format: the message names the file, the 1-based line
 * number (0 when the problem is the file as a whole, such as an empty file) and what was
 * expected, then quotes the offending line.
 */
public final class MalformedTraceException extends IOException {

    private static final long serialVersionUID = 1L;
    private static final int QUOTE_CHARS = 120;

    private final String source;
    private final long lineNumber;
    private final String expected;
    private final String lineText;

    /**
     * @param source     the trace's name (its path as given)
     * @param lineNumber 1-based line, or 0 for the whole file
     * @param expected   what the format requires there, e.g. "6 arguments of mmap"
     * @param lineText   the offending line as read (quoted shortened), or null
     */
    public MalformedTraceException(String source, long lineNumber, String expected, String lineText) {
        super(format(source, lineNumber, expected, lineText));
        this.source = source;
        this.lineNumber = lineNumber;
        this.expected = expected;
        this.lineText = lineText;
    }

    private static String format(String source, long lineNumber, String expected, String lineText) {
        StringBuilder b = new StringBuilder(source);
        if (lineNumber > 0) {
            b.append(':').append(lineNumber);
        }
        b.append(": expected ").append(expected);
        if (lineText != null) {
            b.append(", found \"").append(printable(lineText)).append('"');
        }
        return b.toString();
    }

    private static String printable(String text) {
        StringBuilder b = new StringBuilder();
        int n = Math.min(text.length(), QUOTE_CHARS);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                b.append(String.format("\\x%02x", (int) c & 0xff));
            } else {
                b.append(c);
            }
        }
        if (text.length() > n) {
            b.append("...");
        }
        return b.toString();
    }

    /** The trace's name, as given when it was opened. */
    public String source() {
        return source;
    }

    /** The 1-based line number, or 0 when the problem is the file as a whole. */
    public long lineNumber() {
        return lineNumber;
    }

    /** What the format requires at that place. */
    public String expected() {
        return expected;
    }

    /** The offending line, or null. */
    public String lineText() {
        return lineText;
    }
}
