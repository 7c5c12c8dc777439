package dev.linmem.replay.trace;

import java.io.IOException;
import java.util.List;

/**
 * The service a trace format provides: recognise its text, open a stream of events.
 * One implementation per format package, registered in {@link TraceFormat}.
 */
public interface TraceReader {

    /**
     * How many of {@code firstLines} (the first lines of a file, decoded as ISO-8859-1) this
     * format can parse: the registry picks the format recognising the most, 0 meaning "not
     * mine". Binary formats look at {@code head} instead.
     *
     * @param head       the first bytes of the (decompressed) file
     * @param firstLines the same bytes split into lines, the last partial line dropped
     */
    int recognizedLines(byte[] head, List<String> firstLines);

    /**
     * Opens a cursor over the events of {@code input}; a reader may open the input more than
     * once (the strace reader resolves clone children in a first pass).
     */
    EventCursor open(TraceInput input, Leniency leniency) throws IOException;
}
