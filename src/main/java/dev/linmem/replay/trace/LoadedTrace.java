package dev.linmem.replay.trace;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A trace read whole into memory, so a replayer can time its replay without the parsing.
 *
 * @param name       the trace's name
 * @param format     the format it was read as
 * @param events     every event in trace order, address-space starts included
 * @param spaces     its address spaces, by number
 * @param summary    what the reader saw besides the events
 * @param parseNanos the time spent reading and parsing
 */
public record LoadedTrace(String name, TraceFormat format, List<TraceEvent> events,
        List<AddressSpaceInfo> spaces, ReadSummary summary, long parseNanos) {

    public LoadedTrace {
        events = List.copyOf(events);
        spaces = List.copyOf(spaces);
    }

    /** The events of address space {@code space}, its start first. */
    public List<TraceEvent> eventsOf(int space) {
        List<TraceEvent> out = new ArrayList<>();
        for (TraceEvent e : events) {
            if (e.space() == space) {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * The address space with the most events (the lowest number on a tie), the one a replay
     * reports by default; null for a trace without events.
     */
    public AddressSpaceInfo largestSpace() {
        return spaces.stream()
                .max(Comparator.comparingLong(AddressSpaceInfo::events)
                        .thenComparing(Comparator.comparingInt(AddressSpaceInfo::space).reversed()))
                .orElse(null);
    }
}
