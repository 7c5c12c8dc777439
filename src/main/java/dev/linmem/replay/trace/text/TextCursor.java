package dev.linmem.replay.trace.text;

import dev.linmem.replay.trace.EventCursor;
import dev.linmem.replay.trace.Leniency;
import dev.linmem.replay.trace.MalformedTraceException;
import dev.linmem.replay.trace.ReadSummary;
import dev.linmem.replay.trace.TraceEvent;
import dev.linmem.replay.trace.TraceInput;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The skeleton of a text reader's cursor: reads lines, rejects binary bytes, hands each line to
 * {@link #parseLine}, and turns a {@link BadLine} into a {@link MalformedTraceException}
 * ({@link Leniency#STRICT}) or a counted skip ({@link Leniency#LENIENT}). A parser emits zero or
 * more events per line with {@link #emit}.
 *
 * <p>An empty file (no line at all) is an error in both modes: there is nothing to replay and
 * the most likely cause is a wrong path or a failed recording.
 */
public abstract class TextCursor implements EventCursor {

    private final String name;
    private final Leniency leniency;
    private final TraceInput.CountedStream stream;
    private final LineReader lines;
    private final ArrayDeque<TraceEvent> ready = new ArrayDeque<>();
    private final List<String> problems = new ArrayList<>();
    private boolean ended;
    private long events;
    private long ignoredLines;
    private long interruptedCalls;
    private long skippedLines;
    private String currentLine;

    protected TextCursor(TraceInput input, Leniency leniency) throws IOException {
        this.name = input.name();
        this.leniency = leniency;
        this.stream = input.open();
        this.lines = new LineReader(stream);
    }

    /**
     * Parses one line (without its ending), emitting its events; lines carrying no event call
     * {@link #ignored()}.
     */
    protected abstract void parseLine(String line) throws BadLine;

    /** Called once at the end of the input, before the summary is final. */
    protected void endOfInput() {
    }

    /** Queues {@code event} to be returned by {@link #next()}. */
    protected final void emit(TraceEvent event) {
        ready.add(event);
        events++;
    }

    /** Counts the current line as well formed but carrying no event. */
    protected final void ignored() {
        ignoredLines++;
    }

    /** Counts one call without a result (cut by exit, or never resumed). */
    protected final void interrupted() {
        interruptedCalls++;
    }

    /** The number of the line being parsed. */
    protected final int lineNumber() {
        return (int) lines.lineNumber();
    }

    /** The trace's name, for messages. */
    protected final String name() {
        return name;
    }

    @Override
    public final TraceEvent next() throws IOException {
        while (ready.isEmpty()) {
            if (ended) {
                return null;
            }
            String line = lines.readLine();
            if (line == null) {
                ended = true;
                if (lines.lineNumber() == 0) {
                    throw new MalformedTraceException(name, 0, "at least one line, found an empty file", null);
                }
                endOfInput();
                continue;
            }
            currentLine = line;
            try {
                requireText(line);
                parseLine(line);
            } catch (BadLine bad) {
                skipOrThrow(bad.expected());
            }
        }
        return ready.poll();
    }

    private static void requireText(String line) throws BadLine {
        for (int i = 0, n = line.length(); i < n; i++) {
            char c = line.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new BadLine("a line of text, found binary bytes");
            }
        }
    }

    private void skipOrThrow(String expected) throws MalformedTraceException {
        MalformedTraceException e = new MalformedTraceException(name, lines.lineNumber(), expected, currentLine);
        if (leniency == Leniency.STRICT) {
            throw e;
        }
        skippedLines++;
        if (problems.size() < ReadSummary.MAX_PROBLEMS_KEPT) {
            problems.add(e.getMessage());
        }
    }

    @Override
    public final ReadSummary summary() {
        return new ReadSummary(lines.lineNumber(), events, ignoredLines, interruptedCalls, skippedLines, problems);
    }

    @Override
    public final long inputBytesRead() {
        return stream.rawBytesRead();
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }
}
