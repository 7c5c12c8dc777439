package dev.linmem.replay.trace;

import dev.linmem.replay.trace.compact.CompactReader;
import dev.linmem.replay.trace.ltrace.LtraceReader;
import dev.linmem.replay.trace.malloc.MallocReader;
import dev.linmem.replay.trace.strace.StraceReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The registry of trace formats, keyed by {@link #formatName()}, with detection by content:
 * {@link #detect(TraceInput)} reads the first bytes (decompressed) and asks every format how
 * many of the first lines it parses; the most wins, ties going to the earlier constant. The file
 * name plays no part. Adding a format is one package and one constant here.
 */
public enum TraceFormat {
    /** linmem's own binary format, written by {@link TraceConverter}. */
    COMPACT("compact", new CompactReader()),
    /** The LD_PRELOAD recorder's {@code .malloc} format: heap calls, maybe mixed with mmap calls. */
    MALLOC("malloc", new MallocReader()),
    /** ltrace output of the malloc family. */
    LTRACE("ltrace", new LtraceReader()),
    /** strace output of the mmap family, brk and process calls. */
    STRACE("strace", new StraceReader());

    /** How much of a file detection looks at. */
    private static final int SNIFF_BYTES = 16 * 1024;
    /** At most this many lines are offered to each format. */
    private static final int SNIFF_LINES = 64;

    private final String formatName;
    private final TraceReader reader;

    TraceFormat(String formatName, TraceReader reader) {
        this.formatName = formatName;
        this.reader = reader;
    }

    /** The name used on the command line and in reports: strace, ltrace, malloc, compact. */
    public String formatName() {
        return formatName;
    }

    /** The reader of this format. */
    public TraceReader reader() {
        return reader;
    }

    /** The format named {@code name} (case-insensitive). */
    public static TraceFormat byName(String name) {
        for (TraceFormat f : values()) {
            if (f.formatName.equals(name.toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        List<String> names = new ArrayList<>();
        for (TraceFormat f : values()) {
            names.add(f.formatName);
        }
        throw new IllegalArgumentException("unknown trace format '" + name + "', expected one of " + names);
    }

    /**
     * The format of {@code input}, from its content.
     *
     * @throws MalformedTraceException when the file is empty or no format recognises it
     */
    public static TraceFormat detect(TraceInput input) throws IOException {
        byte[] head = input.head(SNIFF_BYTES);
        if (head.length == 0) {
            throw new MalformedTraceException(input.name(), 0, "a trace, found an empty file", null);
        }
        List<String> lines = firstLines(head);
        TraceFormat best = null;
        int bestCount = 0;
        for (TraceFormat f : values()) {
            int count = f.reader.recognizedLines(head, lines);
            if (count > bestCount) {
                best = f;
                bestCount = count;
            }
        }
        if (best == null) {
            throw new MalformedTraceException(input.name(), 1,
                    "a trace in one of the formats strace, ltrace, malloc or compact", lines.isEmpty() ? null : lines.get(0));
        }
        return best;
    }

    private static List<String> firstLines(byte[] head) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < head.length && lines.size() < SNIFF_LINES; i++) {
            if (head[i] == '\n') {
                int end = i > start && head[i - 1] == '\r' ? i - 1 : i;
                lines.add(new String(head, start, end - start, StandardCharsets.ISO_8859_1));
                start = i + 1;
            }
        }
        boolean wholeFile = head.length < SNIFF_BYTES;
        if (wholeFile && start < head.length && lines.size() < SNIFF_LINES) {
            lines.add(new String(head, start, head.length - start, StandardCharsets.ISO_8859_1));
        }
        return lines;
    }
}
