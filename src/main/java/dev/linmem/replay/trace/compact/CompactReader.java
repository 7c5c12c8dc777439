package dev.linmem.replay.trace.compact;

import dev.linmem.replay.trace.EventCursor;
import dev.linmem.replay.trace.Leniency;
import dev.linmem.replay.trace.TraceInput;
import dev.linmem.replay.trace.TraceReader;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/** Reads linmem's compact format; recognised by its magic bytes. */
public final class CompactReader implements TraceReader {

    /** Every line of a text trace is worth one; the magic outweighs any sample of them. */
    private static final int MAGIC_SCORE = Integer.MAX_VALUE;

    @Override
    public int recognizedLines(byte[] head, List<String> firstLines) {
        int n = CompactFormat.MAGIC.length;
        return head.length >= n && Arrays.equals(head, 0, n, CompactFormat.MAGIC, 0, n) ? MAGIC_SCORE : 0;
    }

    /** Opens a cursor; {@code leniency} does not apply to a binary stream (see {@link CompactCursor}). */
    @Override
    public EventCursor open(TraceInput input, Leniency leniency) throws IOException {
        return new CompactCursor(input);
    }
}
