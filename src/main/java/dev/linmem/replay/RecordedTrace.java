package dev.linmem.replay;

import dev.linmem.replay.trace.AddressSpaceInfo;
import dev.linmem.replay.trace.EventKind;
import dev.linmem.replay.trace.LoadedTrace;
import dev.linmem.replay.trace.TraceEvent;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The events of one address space of a trace, held in memory for replaying against every
 * target, with the recording's own live bytes after each event (the lower bound).
 */
public final class RecordedTrace {

    private final String name;
    private final String format;
    private final String addressSpace;
    private final List<TraceEvent> events;
    private final long[] liveAfter;
    private final long peakLiveBytes;
    private final long recordedFailures;
    private final TraceProfile profile;

    private RecordedTrace(String name, String format, String addressSpace, List<TraceEvent> events) {
        this.name = Objects.requireNonNull(name, "name");
        this.format = Objects.requireNonNull(format, "format");
        this.addressSpace = Objects.requireNonNull(addressSpace, "addressSpace");
        this.events = events;
        this.liveAfter = RecordedModel.liveBytesAfterEachEvent(events);
        long peak = 0;
        for (long v : liveAfter) {
            peak = Math.max(peak, v);
        }
        this.peakLiveBytes = peak;
        long failures = 0;
        Set<Capability> kinds = EnumSet.noneOf(Capability.class);
        for (TraceEvent e : events) {
            if (e.failed()) {
                failures++;
            }
            kinds.add(capabilityOf(e.kind()));
        }
        this.recordedFailures = failures;
        this.profile = new TraceProfile(name, kinds, events.size());
    }

    /**
     * The events of one address space; address-space start events are dropped.
     *
     * @param name         the trace's file name
     * @param format       the format it was read as
     * @param addressSpace a label for the address space (for example {@code "pid 16616"})
     * @param events       the events, in recorded order, all of one address space
     */
    public static RecordedTrace of(String name, String format, String addressSpace, List<TraceEvent> events) {
        List<TraceEvent> kept = new ArrayList<>(events.size());
        for (TraceEvent e : events) {
            if (e.kind() != EventKind.ADDRESS_SPACE_START) {
                kept.add(e);
            }
        }
        return new RecordedTrace(name, format, addressSpace, List.copyOf(kept));
    }

    /**
     * One address space of a loaded trace.
     *
     * @param space the address space's number, or -1 for the largest (the most events)
     * @throws IllegalArgumentException when the trace has no such address space
     */
    public static RecordedTrace of(LoadedTrace loaded, int space) {
        AddressSpaceInfo info = null;
        if (space < 0) {
            info = loaded.largestSpace();
        } else {
            for (AddressSpaceInfo s : loaded.spaces()) {
                if (s.space() == space) {
                    info = s;
                }
            }
        }
        if (info == null) {
            throw new IllegalArgumentException(loaded.name() + " has no address space "
                    + (space < 0 ? "with events" : String.valueOf(space)));
        }
        String name = java.nio.file.Path.of(loaded.name()).getFileName().toString();
        String label = "space " + info.space() + " (tid " + info.tid() + ", " + loaded.spaces().size()
                + (loaded.spaces().size() == 1 ? " space)" : " spaces)");
        return of(name, loaded.format().formatName(), label, loaded.eventsOf(info.space()));
    }

    /** The capability an event kind needs. */
    public static Capability capabilityOf(EventKind kind) {
        switch (kind) {
            case BRK:
                return Capability.BRK;
            case MMAP:
            case MUNMAP:
            case MREMAP:
            case MPROTECT:
            case MADVISE:
                return Capability.MMAP;
            case ADDRESS_SPACE_START:
                throw new IllegalArgumentException("an address-space start needs no capability");
            default:
                return Capability.HEAP;
        }
    }

    public String name() {
        return name;
    }

    public String format() {
        return format;
    }

    public String addressSpace() {
        return addressSpace;
    }

    /** The events, in recorded order (immutable). */
    public List<TraceEvent> events() {
        return events;
    }

    /** What the registry needs to choose fitting targets. */
    public TraceProfile profile() {
        return profile;
    }

    /** The largest live byte count over the recording: the lower bound of every target. */
    public long peakLiveBytes() {
        return peakLiveBytes;
    }

    /** Live bytes after the first {@code eventCount} events (0 before any). */
    public long liveBytesAfter(int eventCount) {
        return liveAfter[eventCount];
    }

    /** Events the recording shows as failed: noted, never replayed. */
    public long recordedFailures() {
        return recordedFailures;
    }
}
