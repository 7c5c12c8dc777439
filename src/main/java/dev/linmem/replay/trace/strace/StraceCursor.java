package dev.linmem.replay.trace.strace;

import dev.linmem.replay.trace.Leniency;
import dev.linmem.replay.trace.TraceEvent;
import dev.linmem.replay.trace.TraceInput;
import dev.linmem.replay.trace.text.BadLine;
import dev.linmem.replay.trace.text.TextCursor;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The second pass over a strace file: joins split calls per tid, parses each completed call
 * into an event, and tags it with its address space.
 *
 * <p>Invariants: every tid in {@code spaceOfTid} has had its space's
 * {@link TraceEvent.AddressSpaceStart} emitted before any of its events; {@code pending} holds
 * at most one unfinished call per tid.
 *
 * <p>Algorithm, per line (see {@link LineShape} for the grammar):
 * <ol>
 *   <li>signal line: ignored; exit line: the tid's unfinished call, if any, is interrupted;
 *   <li>unfinished: kept per tid with its line number; resumed: joined with the tid's kept
 *       text (same call name required) and completed as below, at the first half's line;
 *   <li>complete call: {@code = ?} is interrupted (no event); the arguments are parsed; the
 *       tid's address space is found or created ({@link #spaceOf}); the event is emitted;
 *   <li>a successful execve starts a new space for its tid (origin EXEC, parent its old space);
 *       clone, clone3, fork and vfork emit nothing: the first pass already named their
 *       children, whose spaces start at their first line (COPIED children get a new space,
 *       SHARED ones their parent's).
 * </ol>
 */
final class StraceCursor extends TextCursor {

    /** Guards the parent chain walk against cycles from reused tids. */
    private static final int MAX_PARENT_DEPTH = 64;

    private final Map<Integer, Child> children;
    private final Map<Integer, Pending> pending = new HashMap<>();
    private final Map<Integer, Integer> spaceOfTid = new HashMap<>();
    private final LineShape shape = new LineShape();
    private final CallText call = new CallText();
    private int spaceCount;
    private int cachedTid = Integer.MIN_VALUE;
    private int cachedSpace;

    private record Pending(String name, String text, int line) {
    }

    StraceCursor(TraceInput input, Leniency leniency, Map<Integer, Child> children) throws IOException {
        super(input, leniency);
        this.children = children;
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
            case UNFINISHED:
                Pending old = pending.put(tid, new Pending(shape.name, shape.text, lineNumber()));
                if (old != null) {
                    interrupted();
                    throw new BadLine("'<... " + old.name + " resumed>' for tid " + tid
                            + " (line " + old.line + ") before its next call");
                }
                break;
            case RESUMED:
                resumed(tid);
                break;
            case CALL:
                complete(tid, shape.name, shape.text, lineNumber());
                break;
            default:
                throw new IllegalStateException(shape.kind.toString());
        }
    }

    private void resumed(int tid) throws BadLine {
        Pending head = pending.remove(tid);
        if (head == null) {
            if (shape.name.equals("execve")) {
                // a thread's execve resumes under the thread-group leader's pid
                complete(tid, "execve", "execve(" + shape.text, lineNumber());
                return;
            }
            throw new BadLine("an unfinished " + shape.name + " call of tid " + tid + " before '<... "
                    + shape.name + " resumed>'");
        }
        if (!head.name.equals(shape.name)) {
            throw new BadLine("'<... " + head.name + " resumed>' for tid " + tid + " (unfinished on line "
                    + head.line + "), found a resumed " + shape.name);
        }
        complete(tid, head.name, head.text + shape.text, head.line);
    }

    @Override
    protected void endOfInput() {
        for (int i = 0; i < pending.size(); i++) {
            interrupted();
        }
        pending.clear();
    }

    private void complete(int tid, String name, String text, int line) throws BadLine {
        call.parse(text, name);
        if (call.interrupted) {
            interrupted();
            return;
        }
        long r = call.result;
        switch (name) {
            case "mmap": {
                call.splitArgs(name, 6, 6);
                long addr = call.address(0, "mmap's address");
                long length = call.number(1, "mmap's length");
                int prot = call.flags(2, "mmap's protection");
                int flags = call.flags(3, "mmap's flags");
                int fd = call.fd(4);
                long offset = call.number(5, "mmap's offset");
                emit(new TraceEvent.Mmap(line, tid, spaceOf(tid, line), addr, length, prot, flags, fd, offset, r));
                break;
            }
            case "munmap": {
                call.splitArgs(name, 2, 2);
                long addr = call.address(0, "munmap's address");
                long length = call.number(1, "munmap's length");
                emit(new TraceEvent.Munmap(line, tid, spaceOf(tid, line), addr, length, r));
                break;
            }
            case "mremap": {
                call.splitArgs(name, 4, 5);
                long oldAddr = call.address(0, "mremap's old address");
                long oldLength = call.number(1, "mremap's old length");
                long newLength = call.number(2, "mremap's new length");
                int flags = call.flags(3, "mremap's flags");
                long newAddr = call.argc == 5 ? call.address(4, "mremap's new address") : 0;
                emit(new TraceEvent.Mremap(line, tid, spaceOf(tid, line), oldAddr, oldLength, newLength, flags,
                        newAddr, r));
                break;
            }
            case "brk": {
                call.splitArgs(name, 1, 1);
                long requested = call.address(0, "brk's address");
                emit(new TraceEvent.Brk(line, tid, spaceOf(tid, line), requested, r));
                break;
            }
            case "mprotect": {
                call.splitArgs(name, 3, 3);
                long addr = call.address(0, "mprotect's address");
                long length = call.number(1, "mprotect's length");
                int prot = call.flags(2, "mprotect's protection");
                emit(new TraceEvent.Mprotect(line, tid, spaceOf(tid, line), addr, length, prot, r));
                break;
            }
            case "madvise": {
                call.splitArgs(name, 3, 3);
                long addr = call.address(0, "madvise's address");
                long length = call.number(1, "madvise's length");
                int advice = call.advice(2);
                emit(new TraceEvent.Madvise(line, tid, spaceOf(tid, line), addr, length, advice, r));
                break;
            }
            case "execve":
            case "execveat":
                if (r == 0) {
                    exec(tid, line);
                } else {
                    ignored();
                }
                break;
            case "clone":
            case "clone3":
            case "fork":
            case "vfork":
                ignored();
                break;
            default:
                throw new BadLine("a traced call (mmap, munmap, mremap, brk, mprotect, madvise, clone, clone3, "
                        + "fork, vfork, execve), found '" + name + "'");
        }
    }

    /** The address space of {@code tid}, created (and its start emitted) on first sight. */
    private int spaceOf(int tid, int line) {
        if (tid == cachedTid) {
            return cachedSpace;
        }
        int space = spaceOf(tid, line, 0);
        cachedTid = tid;
        cachedSpace = space;
        return space;
    }

    private int spaceOf(int tid, int line, int depth) {
        Integer known = spaceOfTid.get(tid);
        if (known != null) {
            return known;
        }
        Child child = children.get(tid);
        int space;
        if (child != null && child.parentTid() != tid && depth < MAX_PARENT_DEPTH) {
            int parentSpace = spaceOf(child.parentTid(), line, depth + 1);
            space = child.sharing() == Child.Sharing.SHARED
                    ? parentSpace
                    : newSpace(tid, parentSpace, TraceEvent.Origin.FORK, line);
        } else {
            space = newSpace(tid, -1, TraceEvent.Origin.INITIAL, line);
        }
        spaceOfTid.put(tid, space);
        return space;
    }

    private void exec(int tid, int line) {
        int parent = spaceOfTid.containsKey(tid) || children.containsKey(tid) ? spaceOf(tid, line, 0) : -1;
        int space = newSpace(tid, parent, TraceEvent.Origin.EXEC, line);
        spaceOfTid.put(tid, space);
        cachedTid = Integer.MIN_VALUE;
    }

    /** Checks the invariants of the class comment; throws IllegalStateException on a violation. */
    void checkInvariants() {
        for (Map.Entry<Integer, Integer> e : spaceOfTid.entrySet()) {
            if (e.getValue() < 0 || e.getValue() >= spaceCount) {
                throw new IllegalStateException("tid " + e.getKey() + " in space " + e.getValue()
                        + " of " + spaceCount + " started");
            }
        }
        if (cachedTid != Integer.MIN_VALUE && !Integer.valueOf(cachedSpace).equals(spaceOfTid.get(cachedTid))) {
            throw new IllegalStateException("cached space " + cachedSpace + " of tid " + cachedTid + " is stale");
        }
        for (Map.Entry<Integer, Pending> e : pending.entrySet()) {
            if (e.getValue().line() > lineNumber()) {
                throw new IllegalStateException("unfinished call of tid " + e.getKey() + " from a future line");
            }
        }
    }

    private int newSpace(int tid, int parentSpace, TraceEvent.Origin origin, int line) {
        int space = spaceCount++;
        emit(new TraceEvent.AddressSpaceStart(line, tid, space, parentSpace, origin));
        return space;
    }
}
