package dev.linmem.replay.trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Counts events per address space while a trace streams by, to describe its spaces.
 *
 * <p>Invariant: {@code starts.get(i).space() == i}: readers number spaces densely in order of
 * their start events.
 */
final class SpaceTally {

    private final String name;
    private final List<TraceEvent.AddressSpaceStart> starts = new ArrayList<>();
    private long[] syscalls = new long[4];
    private long[] heap = new long[4];

    SpaceTally(String name) {
        this.name = name;
    }

    void add(TraceEvent e) throws MalformedTraceException {
        int space = e.space();
        if (e instanceof TraceEvent.AddressSpaceStart) {
            if (space != starts.size()) {
                throw new MalformedTraceException(name, e.line(), "address space " + starts.size()
                        + " to start next, found a start of space " + space, null);
            }
            starts.add((TraceEvent.AddressSpaceStart) e);
            if (space == syscalls.length) {
                syscalls = Arrays.copyOf(syscalls, space * 2);
                heap = Arrays.copyOf(heap, space * 2);
            }
            return;
        }
        if (space < 0 || space >= starts.size()) {
            throw new MalformedTraceException(name, e.line(), "an event in a started address space, found space "
                    + space, null);
        }
        if (e.kind().family() == EventKind.Family.HEAP) {
            heap[space]++;
        } else {
            syscalls[space]++;
        }
    }

    List<AddressSpaceInfo> spaces() {
        List<AddressSpaceInfo> out = new ArrayList<>(starts.size());
        for (TraceEvent.AddressSpaceStart s : starts) {
            out.add(new AddressSpaceInfo(s.space(), s.tid(), s.parentSpace(), s.origin(), s.line(),
                    syscalls[s.space()], heap[s.space()]));
        }
        return out;
    }
}
