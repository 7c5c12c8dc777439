package dev.linmem.replay.trace.ltrace;

import dev.linmem.replay.trace.TraceEvent;
import dev.linmem.replay.trace.TraceInput;
import dev.linmem.replay.trace.text.BadLine;
import dev.linmem.replay.trace.text.CallLine;
import dev.linmem.replay.trace.text.LineReader;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Recovers the pointers posix_memalign stored, which ltrace does not print (it shows the
 * address of {@code memptr}): the first pass of the ltrace reader.
 *
 * <p>Algorithm:
 * <ol>
 *   <li>Scan for the word {@code posix_memalign}; without it there is nothing to resolve and
 *       the pass ends there.
 *   <li>Otherwise replay the recorded pointers: every successful allocation's result becomes
 *       live, a free or realloc removes its pointer. A successful posix_memalign joins a queue
 *       of unresolved allocations.
 *   <li>A free or realloc of a pointer that is not live, not NULL, is a <em>use</em> of an
 *       unresolved block: it resolves the oldest queued posix_memalign whose alignment divides
 *       the pointer.
 *   <li>What stays queued at the end (a block never freed, or freed by a call ltrace missed)
 *       keeps {@link TraceEvent#UNKNOWN_ADDRESS}.
 * </ol>
 * The rule can misattribute a free of a block ltrace never saw allocated (about 0.1% of calls
 * in the shared recordings) that happens to be suitably aligned; docs/trace-formats.md says so.
 */
final class MemalignResolver {

    private MemalignResolver() {
    }

    private record Unresolved(int line, long alignmentBytes) {
    }

    /** Line number of each resolved posix_memalign (the line it began on) to its pointer. */
    static Map<Integer, Long> resolve(TraceInput input) throws IOException {
        Map<Integer, Long> resolved = new HashMap<>();
        if (!mentionsPosixMemalign(input)) {
            return resolved;
        }
        Set<Long> live = new HashSet<>();
        ArrayDeque<Unresolved> queue = new ArrayDeque<>();
        Map<Integer, PendingCall> pending = new HashMap<>();
        LtraceLine shape = new LtraceLine();
        CallLine call = new CallLine();
        try (TraceInput.CountedStream in = input.open()) {
            LineReader lines = new LineReader(in);
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                int lineNumber = (int) lines.lineNumber();
                try {
                    shape.parse(line);
                    String text;
                    int callLine = lineNumber;
                    switch (shape.kind) {
                        case CALL:
                            text = shape.text;
                            break;
                        case UNFINISHED:
                            pending.put(shape.tid, new PendingCall(shape.text, lineNumber));
                            continue;
                        case RESUMED:
                            PendingCall head = pending.remove(shape.tid);
                            if (head == null) {
                                continue;
                            }
                            text = head.text + shape.text;
                            callLine = head.line;
                            break;
                        default:
                            continue;
                    }
                    call.parse(text, 0);
                    apply(call.toEvent(callLine, shape.tid, 0, null), live, queue, resolved);
                } catch (BadLine leftToSecondPass) {
                    // the second pass reports it
                }
            }
        }
        return resolved;
    }

    record PendingCall(String text, int line) {
    }

    private static boolean mentionsPosixMemalign(TraceInput input) throws IOException {
        try (TraceInput.CountedStream in = input.open()) {
            LineReader lines = new LineReader(in);
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.contains("posix_memalign")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void apply(TraceEvent e, Set<Long> live, ArrayDeque<Unresolved> queue, Map<Integer, Long> resolved) {
        switch (e.kind()) {
            case POSIX_MEMALIGN:
                if (!e.failed()) {
                    queue.add(new Unresolved(e.line(), ((TraceEvent.PosixMemalign) e).alignmentBytes()));
                }
                break;
            case FREE:
                use(((TraceEvent.Free) e).ptr(), live, queue, resolved);
                live.remove(((TraceEvent.Free) e).ptr());
                break;
            case REALLOC: {
                TraceEvent.Realloc r = (TraceEvent.Realloc) e;
                use(r.ptr(), live, queue, resolved);
                if (r.result() != 0) {
                    live.remove(r.ptr());
                    live.add(r.result());
                }
                break;
            }
            case REALLOCARRAY: {
                TraceEvent.Reallocarray r = (TraceEvent.Reallocarray) e;
                use(r.ptr(), live, queue, resolved);
                if (r.result() != 0) {
                    live.remove(r.ptr());
                    live.add(r.result());
                }
                break;
            }
            case MALLOC:
                live.add(((TraceEvent.Malloc) e).result());
                break;
            case CALLOC:
                live.add(((TraceEvent.Calloc) e).result());
                break;
            case ALIGNED_ALLOC:
                live.add(((TraceEvent.AlignedAlloc) e).result());
                break;
            case MEMALIGN:
                live.add(((TraceEvent.Memalign) e).result());
                break;
            case VALLOC:
                live.add(((TraceEvent.Valloc) e).result());
                break;
            case PVALLOC:
                live.add(((TraceEvent.Pvalloc) e).result());
                break;
            default:
                break;
        }
    }

    private static void use(long ptr, Set<Long> live, ArrayDeque<Unresolved> queue, Map<Integer, Long> resolved) {
        if (ptr == 0 || queue.isEmpty() || live.contains(ptr)) {
            return;
        }
        for (Iterator<Unresolved> it = queue.iterator(); it.hasNext();) {
            Unresolved u = it.next();
            if (u.alignmentBytes > 0 && Long.remainderUnsigned(ptr, u.alignmentBytes) == 0) {
                it.remove();
                resolved.put(u.line, ptr);
                live.add(ptr);
                return;
            }
        }
    }
}
