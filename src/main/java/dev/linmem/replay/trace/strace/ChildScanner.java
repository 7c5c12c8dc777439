package dev.linmem.replay.trace.strace;

import dev.linmem.replay.trace.TraceInput;
import dev.linmem.replay.trace.text.BadLine;
import dev.linmem.replay.trace.text.LineReader;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The first pass over a strace file: which tid each successful clone, clone3, fork and vfork
 * created, and whether it shares its parent's address space. A child's own lines can come
 * before the parent's {@code <... clone3 resumed> ... = tid} line, so the second pass needs
 * this map before it meets them. Malformed lines are left to the second pass to report.
 *
 * <p>Algorithm: read every line; only lines mentioning {@code clone} or {@code fork} are
 * parsed; split calls are joined per tid as in the second pass; a completed call with a
 * positive result records {@code result -> (tid, sharing)}.
 */
final class ChildScanner {

    private ChildScanner() {
    }

    static Map<Integer, Child> scan(TraceInput input) throws IOException {
        Map<Integer, Child> children = new HashMap<>();
        Map<Integer, String> pending = new HashMap<>();
        LineShape shape = new LineShape();
        CallText call = new CallText();
        try (TraceInput.CountedStream in = input.open()) {
            LineReader lines = new LineReader(in);
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.indexOf("clone") < 0 && line.indexOf("fork") < 0) {
                    continue;
                }
                try {
                    shape.parse(line);
                    String text;
                    switch (shape.kind) {
                        case CALL:
                            text = shape.text;
                            break;
                        case UNFINISHED:
                            pending.put(shape.tid, shape.text);
                            continue;
                        case RESUMED:
                            String head = pending.remove(shape.tid);
                            if (head == null) {
                                continue;
                            }
                            text = head + shape.text;
                            break;
                        default:
                            continue;
                    }
                    record(children, shape.tid, shape.name, text, call);
                } catch (BadLine ignoredHere) {
                    // the second pass reports it, with its line number
                }
            }
        }
        return children;
    }

    private static void record(Map<Integer, Child> children, int tid, String name, String text, CallText call)
            throws BadLine {
        boolean clone = name.equals("clone") || name.equals("clone3");
        if (!clone && !name.equals("fork") && !name.equals("vfork")) {
            return;
        }
        call.parse(text, name);
        if (call.interrupted || call.result <= 0 || call.result > Integer.MAX_VALUE) {
            return;
        }
        Child.Sharing sharing = clone && call.namesCloneVm(name) ? Child.Sharing.SHARED : Child.Sharing.COPIED;
        children.put((int) call.result, new Child(tid, sharing));
    }
}
