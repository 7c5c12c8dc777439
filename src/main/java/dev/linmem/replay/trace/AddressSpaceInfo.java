package dev.linmem.replay.trace;

/**
 * One address space of a trace, as its events describe it.
 *
 * @param space          its number (events carry it in {@link TraceEvent#space()})
 * @param tid            the first thread seen in it
 * @param parentSpace    the space it came from, -1 for none
 * @param origin         how it started
 * @param startLine      the line of its {@link TraceEvent.AddressSpaceStart} event
 * @param syscallEvents  its page-level events (mmap family and brk)
 * @param heapEvents     its heap events (malloc family)
 */
public record AddressSpaceInfo(int space, int tid, int parentSpace, TraceEvent.Origin origin,
        int startLine, long syscallEvents, long heapEvents) {

    /** Its events other than the start: what a replay of it would replay. */
    public long events() {
        return syscallEvents + heapEvents;
    }
}
