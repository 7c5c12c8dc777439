package dev.linmem.replay.trace;

import dev.linmem.replay.trace.compact.CompactWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Converts a trace of any format to linmem's compact format (what {@code linmem convert IN OUT}
 * runs): the events are streamed through, never held in memory. An output path ending in
 * {@code .gz} is gzip-compressed (readers recognise gzip by content either way).
 */
public final class TraceConverter {

    /** Output buffer. */
    private static final int BUFFER_BYTES = 1 << 16;

    private TraceConverter() {
    }

    /**
     * What a conversion did.
     *
     * @param events      events written
     * @param inputBytes  stored size of the input
     * @param outputBytes size of the output file
     * @param source      what the reader saw
     */
    public record Result(long events, long inputBytes, long outputBytes, ReadSummary source) {
    }

    /** Converts {@code in} (format detected by content) into {@code out}. */
    public static Result convert(Path in, Path out) throws IOException {
        return convert(Trace.open(in), out);
    }

    /** Converts {@code trace} into {@code out}, replacing it. */
    public static Result convert(Trace trace, Path out) throws IOException {
        boolean gzip = out.getFileName().toString().endsWith(".gz");
        ReadSummary source;
        try (OutputStream file = Files.newOutputStream(out);
                OutputStream stream = gzip ? new GZIPOutputStream(file, BUFFER_BYTES) : file;
                OutputStream buffered = new BufferedOutputStream(stream, BUFFER_BYTES)) {
            source = convert(trace, buffered);
        }
        return new Result(source.events(), trace.input().sizeBytes(), Files.size(out), source);
    }

    /**
     * Writes the compact form of {@code trace} to {@code out} (not closed) and returns the
     * summary of the read.
     */
    public static ReadSummary convert(Trace trace, OutputStream out) throws IOException {
        CompactWriter writer = new CompactWriter(out, trace.format().formatName(), trace.name());
        try (EventCursor cursor = trace.cursor()) {
            for (TraceEvent e = cursor.next(); e != null; e = cursor.next()) {
                writer.write(e);
            }
            ReadSummary summary = cursor.summary();
            writer.finish(summary);
            return summary;
        }
    }
}
