package dev.linmem.replay;

import java.util.Objects;
import java.util.Set;

/**
 * What the registry knows about a trace when it chooses the targets fitting it.
 *
 * @param traceName  the trace's file name (without directories), as reported
 * @param eventKinds the kinds of event the chosen address space contains
 * @param events     the number of events in the chosen address space
 */
public record TraceProfile(String traceName, Set<Capability> eventKinds, long events) {

    public TraceProfile {
        Objects.requireNonNull(traceName, "traceName");
        eventKinds = Set.copyOf(eventKinds);
        if (events < 0) {
            throw new IllegalArgumentException("events must not be negative: " + events);
        }
    }

    /** True when the trace holds malloc-family calls (a heap trace), false for a system-call trace. */
    public boolean isHeapTrace() {
        return eventKinds.contains(Capability.HEAP);
    }
}
