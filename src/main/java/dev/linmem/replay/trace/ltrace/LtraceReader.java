package dev.linmem.replay.trace.ltrace;

import dev.linmem.replay.trace.EventCursor;
import dev.linmem.replay.trace.Leniency;
import dev.linmem.replay.trace.TraceInput;
import dev.linmem.replay.trace.TraceReader;
import dev.linmem.replay.trace.text.BadLine;
import dev.linmem.replay.trace.text.CallLine;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Reads ltrace output of the malloc family: {@link MemalignResolver} first (only when the file
 * mentions posix_memalign), then {@link LtraceCursor} streams the events.
 */
public final class LtraceReader implements TraceReader {

    @Override
    public int recognizedLines(byte[] head, List<String> firstLines) {
        LtraceLine shape = new LtraceLine();
        CallLine call = new CallLine();
        int count = 0;
        for (String line : firstLines) {
            try {
                shape.parse(line);
                if (shape.kind == LtraceLine.Kind.CALL) {
                    // the caller arrow is what sets ltrace apart from the .malloc format
                    if (!line.contains("->")) {
                        continue;
                    }
                    call.parse(shape.text, 0);
                    call.toEvent(0, 0, 0, null);
                }
                count++;
            } catch (BadLine notLtrace) {
                // another format's line
            }
        }
        return count;
    }

    @Override
    public EventCursor open(TraceInput input, Leniency leniency) throws IOException {
        Map<Integer, Long> memalign = MemalignResolver.resolve(input);
        return new LtraceCursor(input, leniency, memalign);
    }
}
