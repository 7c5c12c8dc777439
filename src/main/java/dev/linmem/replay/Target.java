package dev.linmem.replay;

import java.util.Set;

/**
 * A memory-management strategy the replayer compares: registered by {@link #name()} in a
 * {@link TargetRegistry}, with declared {@link #capabilities()}, and a factory of fresh
 * {@link Machine}s, one per replay.
 *
 * <p>Adding a strategy means implementing this interface and adding one line to {@code
 * StandardTargets}, or, from outside the replayer, returning it from a {@link TargetProvider}.
 */
public interface Target {

    /** The name users type ({@code --targets linmem,emscripten}): lower case, words joined by '-'. */
    String name();

    /** One line saying what the strategy is, for reports. */
    String description();

    /** The kinds of recorded event this target replays. */
    Set<Capability> capabilities();

    /**
     * True when this target should replay a trace with the given profile by default. The default
     * rule: the target replays every kind of event the trace holds, and it is a heap target
     * (declares {@link Capability#HEAP}) exactly when the trace is a heap trace, so system-call
     * traces go to the mmap-level strategies and heap traces to the allocators.
     */
    default boolean fits(TraceProfile profile) {
        return capabilities().containsAll(profile.eventKinds())
                && capabilities().contains(Capability.HEAP) == profile.isHeapTrace();
    }

    /**
     * True when this target should replay {@code trace} by default. The default looks at the
     * profile only ({@link #fits(TraceProfile)}); a target made for one kind of program may also
     * look at the events (PHP's strategies look for zend_alloc's chunk allocations).
     */
    default boolean fits(RecordedTrace trace) {
        return fits(trace.profile());
    }

    /** A fresh machine for one replay. */
    Machine newMachine(TargetOptions options);

    /**
     * The player that applies {@code trace}'s events to {@code machine}, counting into {@code
     * meter}. The default translates every recorded address piece by piece and applies the
     * fallback rules of docs/replay.md; targets that replay a lifted form of the recording
     * override it. Work done here (lifting, indexing) is not part of the timed replay.
     */
    default EventPlayer newPlayer(Machine machine, RecordedTrace trace, ReplayMeter meter) {
        return new TranslatingPlayer(machine, capabilities(), meter);
    }
}
