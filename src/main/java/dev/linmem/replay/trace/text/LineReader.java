package dev.linmem.replay.trace.text;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads lines of bytes as ISO-8859-1 strings (one char per byte, so any byte sequence decodes
 * and binary garbage stays visible), numbering them from 1. Accepts {@code \n} and
 * {@code \r\n} endings; a last line without a newline is still a line.
 */
public final class LineReader {

    /** Initial buffer; grows for longer lines. */
    private static final int BUFFER_BYTES = 1 << 16;

    private final InputStream in;
    private byte[] buf = new byte[BUFFER_BYTES];
    private int start;
    private int end;
    private boolean eof;
    private long lineNumber;

    public LineReader(InputStream in) {
        this.in = in;
    }

    /** The number of the line last returned (0 before the first). */
    public long lineNumber() {
        return lineNumber;
    }

    /** The next line without its ending, or null at the end of the input. */
    public String readLine() throws IOException {
        int scanFrom = start;
        while (true) {
            for (int i = scanFrom; i < end; i++) {
                if (buf[i] == '\n') {
                    int stop = i > start && buf[i - 1] == '\r' ? i - 1 : i;
                    String line = new String(buf, start, stop - start, StandardCharsets.ISO_8859_1);
                    start = i + 1;
                    lineNumber++;
                    return line;
                }
            }
            if (eof) {
                if (start == end) {
                    return null;
                }
                String line = new String(buf, start, end - start, StandardCharsets.ISO_8859_1);
                start = end;
                lineNumber++;
                return line;
            }
            scanFrom = end - start;
            fill();
            scanFrom += start;
        }
    }

    private void fill() throws IOException {
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        int n = in.read(buf, end, buf.length - end);
        if (n < 0) {
            eof = true;
        } else {
            end += n;
        }
    }
}
