package dev.linmem.replay;

import dev.linmem.replay.trace.TraceEvent;

/**
 * Applies recorded events, one at a time, to one {@link Machine}: the part of a replay that
 * differs between targets. The {@link Replayer} calls {@link #play} for every event of the
 * address space in order (timing these calls only), then {@link #finish()}.
 *
 * <p>The standard player translates every recorded address through a piecewise map and applies
 * the fallback rules of docs/replay.md; a target that replays a lifted form of the recording
 * (PHP's memory manager) supplies its own through {@link Target#newPlayer}.
 */
public interface EventPlayer {

    /**
     * Applies one event.
     *
     * @return true when the event was replayed (including a recorded failure, which changes
     *     nothing), false when it was skipped (file-backed, aimed at memory the replay does not
     *     hold, or of a kind the target does not replay)
     */
    boolean play(TraceEvent event);

    /** Called once after the last event, before the figures are read; final leaks go into the meter here. */
    default void finish() {
    }

    /** Visits every target range live now (the recording's mappings and blocks as placed on the target). */
    void visitLiveRanges(LiveRangeVisitor visitor);

    /** Checks the player's own structures; throws {@link IllegalStateException} naming the first broken invariant. */
    void checkInvariants();
}
