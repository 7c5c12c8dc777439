package dev.linmem.replay.trace;

import java.io.IOException;

/**
 * A stream of events read from a trace, one at a time, never holding the file in memory.
 *
 * <pre>{@code
 * try (EventCursor events = trace.cursor()) {
 *     for (TraceEvent e = events.next(); e != null; e = events.next()) { ... }
 * }
 * }</pre>
 */
public interface EventCursor extends AutoCloseable {

    /**
     * The next event, or null at the end of the trace.
     *
     * @throws MalformedTraceException on a malformed line in {@link Leniency#STRICT} mode
     * @throws IOException             when the file cannot be read
     */
    TraceEvent next() throws IOException;

    /** What has been read so far (complete after {@link #next()} returned null). */
    ReadSummary summary();

    /** Bytes consumed from the underlying file so far (compressed bytes for a {@code .gz}). */
    long inputBytesRead();

    @Override
    void close() throws IOException;
}
