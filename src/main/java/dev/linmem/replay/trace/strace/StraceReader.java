package dev.linmem.replay.trace.strace;

import dev.linmem.replay.trace.EventCursor;
import dev.linmem.replay.trace.Leniency;
import dev.linmem.replay.trace.TraceInput;
import dev.linmem.replay.trace.TraceReader;
import dev.linmem.replay.trace.text.BadLine;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads strace output in two passes: {@link ChildScanner} finds which tid every clone, fork
 * and vfork created, then {@link StraceCursor} streams the events.
 */
public final class StraceReader implements TraceReader {

    private static final Set<String> CALLS = Set.of("mmap", "munmap", "mremap", "brk", "mprotect", "madvise",
            "clone", "clone3", "fork", "vfork", "execve", "execveat");

    @Override
    public int recognizedLines(byte[] head, List<String> firstLines) {
        LineShape shape = new LineShape();
        int count = 0;
        for (String line : firstLines) {
            try {
                shape.parse(line);
            } catch (BadLine notStrace) {
                continue;
            }
            switch (shape.kind) {
                case SIGNAL:
                case EXIT:
                    count++;
                    break;
                case CALL:
                    // strace prints mmap's protection by name; the .malloc format prints numbers
                    if (CALLS.contains(shape.name) && shape.text.contains(" = ")
                            && (!shape.name.equals("mmap") || shape.text.contains("PROT_"))) {
                        count++;
                    }
                    break;
                default:
                    if (CALLS.contains(shape.name)) {
                        count++;
                    }
                    break;
            }
        }
        return count;
    }

    @Override
    public EventCursor open(TraceInput input, Leniency leniency) throws IOException {
        Map<Integer, Child> children = ChildScanner.scan(input);
        return new StraceCursor(input, leniency, children);
    }
}
