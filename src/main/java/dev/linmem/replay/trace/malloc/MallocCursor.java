package dev.linmem.replay.trace.malloc;

import dev.linmem.replay.trace.Leniency;
import dev.linmem.replay.trace.TraceEvent;
import dev.linmem.replay.trace.TraceInput;
import dev.linmem.replay.trace.text.BadLine;
import dev.linmem.replay.trace.text.CallLine;
import dev.linmem.replay.trace.text.Numbers;
import dev.linmem.replay.trace.text.TextCursor;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Streams a {@code .malloc} file.
 *
 * <p>Algorithm, per line: a {@code # tid T pid P} header records T's process; other
 * {@code #} lines and blank lines are ignored; a call line {@code T name(args) = result} is
 * parsed by {@link CallLine} and tagged with the address space of T's process, created (its
 * start emitted) at that process's first well-formed event.
 */
final class MallocCursor extends TextCursor {

    private final Map<Integer, Integer> pidOfTid = new HashMap<>();
    private final Map<Integer, Integer> spaceOfPid = new HashMap<>();
    private final CallLine call = new CallLine();
    private int cachedTid = Integer.MIN_VALUE;
    private int cachedPid;

    MallocCursor(TraceInput input, Leniency leniency) throws IOException {
        super(input, leniency);
    }

    @Override
    protected void parseLine(String line) throws BadLine {
        if (line.isEmpty()) {
            ignored();
            return;
        }
        if (line.charAt(0) == '#') {
            header(line);
            ignored();
            return;
        }
        int p = 0;
        int n = line.length();
        while (p < n && Character.isDigit(line.charAt(p))) {
            p++;
        }
        if (p == 0 || p > 10 || p >= n || line.charAt(p) != ' ') {
            throw new BadLine("'<tid> <call>(<arguments>) = <result>' or a '# tid <tid> pid <pid>' header");
        }
        int tid = (int) Numbers.parse(line, 0, p, "the tid");
        call.parse(line, p + 1);
        int lineNumber = lineNumber();
        int pid = pidOf(tid);
        Integer space = spaceOfPid.get(pid);
        int spaceId = space != null ? space : spaceOfPid.size();
        TraceEvent e = call.toEvent(lineNumber, tid, spaceId, null);
        if (space == null) {
            spaceOfPid.put(pid, spaceId);
            emit(new TraceEvent.AddressSpaceStart(lineNumber, tid, spaceId, -1, TraceEvent.Origin.INITIAL));
        }
        emit(e);
    }

    /** Reads {@code # tid T pid P}; other comments are free text. */
    private void header(String line) throws BadLine {
        if (!line.startsWith("# tid ")) {
            return;
        }
        String[] words = line.split(" ");
        if (words.length != 5 || !words[3].equals("pid")) {
            throw new BadLine("'# tid <tid> pid <pid>'");
        }
        int tid = (int) Numbers.parse(words[2], "the tid");
        int pid = (int) Numbers.parse(words[4], "the pid");
        pidOfTid.put(tid, pid);
        if (tid == cachedTid) {
            cachedTid = Integer.MIN_VALUE;
        }
    }

    private int pidOf(int tid) {
        if (tid != cachedTid) {
            cachedTid = tid;
            cachedPid = pidOfTid.getOrDefault(tid, tid);
        }
        return cachedPid;
    }
}
