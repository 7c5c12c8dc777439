package dev.linmem.replay.trace;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A trace file with its format: the entry point of the readers.
 *
 * <pre>{@code
 * Trace trace = Trace.open(Path.of("php-strings.strace"));      // format detected by content
 * try (EventCursor events = trace.cursor()) { ... }             // streaming
 * LoadedTrace all = trace.load();                               // whole, for a timed replay
 * }</pre>
 *
 * <p>Immutable; every {@link #cursor()} reads the file afresh.
 */
public final class Trace {

    private final TraceInput input;
    private final TraceFormat format;
    private final Leniency leniency;

    private Trace(TraceInput input, TraceFormat format, Leniency leniency) {
        this.input = Objects.requireNonNull(input);
        this.format = Objects.requireNonNull(format);
        this.leniency = Objects.requireNonNull(leniency);
    }

    /** The file at {@code path}, its format detected by content; strict. */
    public static Trace open(Path path) throws IOException {
        return open(TraceInput.of(path));
    }

    /** {@code input}, its format detected by content; strict. */
    public static Trace open(TraceInput input) throws IOException {
        return new Trace(input, TraceFormat.detect(input), Leniency.STRICT);
    }

    /** {@code input} read as {@code format}; strict. */
    public static Trace of(TraceInput input, TraceFormat format) {
        return new Trace(input, format, Leniency.STRICT);
    }

    /** This trace read with {@code leniency}. */
    public Trace withLeniency(Leniency leniency) {
        return new Trace(input, format, leniency);
    }

    /** The trace's name (its path as given). */
    public String name() {
        return input.name();
    }

    public TraceInput input() {
        return input;
    }

    public TraceFormat format() {
        return format;
    }

    public Leniency leniency() {
        return leniency;
    }

    /** A fresh stream over the events; the caller closes it. */
    public EventCursor cursor() throws IOException {
        return format.reader().open(input, leniency);
    }

    /** Reads every event into memory, timing the read. */
    public LoadedTrace load() throws IOException {
        return load((events, bytesRead, totalBytes) -> { });
    }

    /** Reads every event into memory, timing the read and telling {@code progress} how far it is. */
    public LoadedTrace load(ReadProgress progress) throws IOException {
        long start = System.nanoTime();
        long totalBytes = input.sizeBytes();
        List<TraceEvent> events = new ArrayList<>();
        SpaceTally tally = new SpaceTally(name());
        ReadSummary summary;
        try (EventCursor cursor = cursor()) {
            for (TraceEvent e = cursor.next(); e != null; e = cursor.next()) {
                tally.add(e);
                events.add(e);
                if (events.size() % ReadProgress.EVENTS_PER_UPDATE == 0) {
                    progress.update(events.size(), cursor.inputBytesRead(), totalBytes);
                }
            }
            summary = cursor.summary();
            progress.update(events.size(), cursor.inputBytesRead(), totalBytes);
        }
        long nanos = System.nanoTime() - start;
        return new LoadedTrace(name(), format, events, tally.spaces(), summary, nanos);
    }

    /** The trace's address spaces, from one streaming pass (nothing kept in memory). */
    public List<AddressSpaceInfo> addressSpaces() throws IOException {
        SpaceTally tally = new SpaceTally(name());
        try (EventCursor cursor = cursor()) {
            for (TraceEvent e = cursor.next(); e != null; e = cursor.next()) {
                tally.add(e);
            }
        }
        return tally.spaces();
    }

    @Override
    public String toString() {
        return name() + " (" + format.formatName() + ")";
    }
}
