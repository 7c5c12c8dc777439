package dev.linmem.replay.trace.malloc;

import dev.linmem.replay.trace.EventCursor;
import dev.linmem.replay.trace.Leniency;
import dev.linmem.replay.trace.TraceInput;
import dev.linmem.replay.trace.TraceReader;
import dev.linmem.replay.trace.text.BadLine;
import dev.linmem.replay.trace.text.CallLine;
import java.io.IOException;
import java.util.List;

/** Reads the LD_PRELOAD recorder's {@code .malloc} format in one streaming pass. */
public final class MallocReader implements TraceReader {

    @Override
    public int recognizedLines(byte[] head, List<String> firstLines) {
        CallLine call = new CallLine();
        int count = 0;
        for (String line : firstLines) {
            if (line.startsWith("# tid ")) {
                count++;
                continue;
            }
            int p = 0;
            while (p < line.length() && Character.isDigit(line.charAt(p))) {
                p++;
            }
            if (p == 0 || p >= line.length() || line.charAt(p) != ' ') {
                continue;
            }
            try {
                call.parse(line, p + 1);
                call.toEvent(0, 0, 0, null);
                count++;
            } catch (BadLine notMalloc) {
                // another format's line
            }
        }
        return count;
    }

    @Override
    public EventCursor open(TraceInput input, Leniency leniency) throws IOException {
        return new MallocCursor(input, leniency);
    }
}
