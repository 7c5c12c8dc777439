package dev.linmem.replay.trace.ltrace;

import dev.linmem.replay.trace.Leniency;
import dev.linmem.replay.trace.TraceEvent;
import dev.linmem.replay.trace.TraceInput;
import dev.linmem.replay.trace.text.BadLine;
import dev.linmem.replay.trace.text.CallLine;
import dev.linmem.replay.trace.text.TextCursor;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The second pass over an ltrace file: joins split calls per tid, parses each call into an
 * event in address space 0, and gives each posix_memalign the pointer {@link MemalignResolver}
 * recovered, or {@link TraceEvent#UNKNOWN_ADDRESS}.
 */
final class LtraceCursor extends TextCursor {

    private static final Long UNKNOWN = TraceEvent.UNKNOWN_ADDRESS;

    private final Map<Integer, Long> memalignResults;
    private final Map<Integer, Pending> pending = new HashMap<>();
    private final LtraceLine shape = new LtraceLine();
    private final CallLine call = new CallLine();
    private boolean started;

    private record Pending(String name, String text, int line) {
    }

    LtraceCursor(TraceInput input, Leniency leniency, Map<Integer, Long> memalignResults) throws IOException {
        super(input, leniency);
        this.memalignResults = memalignResults;
    }

    @Override
    protected void parseLine(String line) throws BadLine {
        shape.parse(line);
        int tid = shape.tid;
        switch (shape.kind) {
            case SIGNAL:
                ignored();
                break;
            case EXIT:
                if (pending.remove(tid) != null) {
                    interrupted();
                }
                ignored();
                break;
            case UNFINISHED: {
                Pending old = pending.put(tid, new Pending(shape.name, shape.text, lineNumber()));
                if (old != null) {
                    interrupted();
                    throw new BadLine("'<... " + old.name + " resumed>' for tid " + tid + " (line " + old.line
                            + ") before its next call");
                }
                break;
            }
            case RESUMED: {
                Pending head = pending.remove(tid);
                if (head == null) {
                    throw new BadLine("an unfinished " + shape.name + " call of tid " + tid + " before '<... "
                            + shape.name + " resumed>'");
                }
                if (!head.name.equals(shape.name)) {
                    throw new BadLine("'<... " + head.name + " resumed>' for tid " + tid + ", found a resumed "
                            + shape.name);
                }
                complete(tid, head.text + shape.text, head.line);
                break;
            }
            case CALL:
                complete(tid, shape.text, lineNumber());
                break;
            default:
                throw new IllegalStateException(shape.kind.toString());
        }
    }

    private void complete(int tid, String text, int line) throws BadLine {
        call.parse(text, 0);
        Long override = call.name().equals("posix_memalign") ? memalignResults.getOrDefault(line, UNKNOWN) : null;
        TraceEvent e = call.toEvent(line, tid, 0, override);
        if (!started) {
            started = true;
            emit(new TraceEvent.AddressSpaceStart(line, tid, 0, -1, TraceEvent.Origin.INITIAL));
        }
        emit(e);
    }

    @Override
    protected void endOfInput() {
        for (int i = 0; i < pending.size(); i++) {
            interrupted();
        }
        pending.clear();
    }
}
