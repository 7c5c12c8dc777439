package dev.linmem.cli;

import dev.linmem.replay.Capability;
import dev.linmem.replay.EventPlayer;
import dev.linmem.replay.LiveRangeVisitor;
import dev.linmem.replay.Machine;
import dev.linmem.replay.RecordedTrace;
import dev.linmem.replay.ReplayMeter;
import dev.linmem.replay.Target;
import dev.linmem.replay.TargetOptions;
import dev.linmem.replay.TraceProfile;
import dev.linmem.replay.trace.TraceEvent;

import java.util.Set;

/**
 * A target that behaves exactly as the one it wraps and feeds the progress line as its player
 * plays events. Used only while the progress line can show (stderr is a terminal and no
 * {@code --quiet}); the cost is one counter and one call per event, inside the timed replay.
 */
final class ProgressTarget implements Target {

    /** Events between two looks at the clock. */
    static final int EVENTS_PER_UPDATE = 1 << 14;

    private final Target target;
    private final ProgressLine progress;
    private final String traceName;
    private final int eventsPerUpdate;

    ProgressTarget(Target target, ProgressLine progress, String traceName) {
        this(target, progress, traceName, EVENTS_PER_UPDATE);
    }

    /** As the public use, updating every {@code eventsPerUpdate} events (a power of two). */
    ProgressTarget(Target target, ProgressLine progress, String traceName, int eventsPerUpdate) {
        if (Integer.bitCount(eventsPerUpdate) != 1) {
            throw new IllegalArgumentException("eventsPerUpdate must be a power of two: " + eventsPerUpdate);
        }
        this.target = target;
        this.progress = progress;
        this.traceName = traceName;
        this.eventsPerUpdate = eventsPerUpdate;
    }

    @Override
    public String name() {
        return target.name();
    }

    @Override
    public String description() {
        return target.description();
    }

    @Override
    public Set<Capability> capabilities() {
        return target.capabilities();
    }

    @Override
    public boolean fits(TraceProfile profile) {
        return target.fits(profile);
    }

    @Override
    public boolean fits(RecordedTrace trace) {
        return target.fits(trace);
    }

    @Override
    public Machine newMachine(TargetOptions options) {
        return target.newMachine(options);
    }

    @Override
    public EventPlayer newPlayer(Machine machine, RecordedTrace trace, ReplayMeter meter) {
        EventPlayer player = target.newPlayer(machine, trace, meter);
        progress.start("replaying " + traceName + " on " + target.name());
        return new CountingPlayer(player, progress, trace.events().size(), eventsPerUpdate - 1);
    }

    /** Delegates every call and reports every {@code updateMask + 1} events. */
    private static final class CountingPlayer implements EventPlayer {
        private final EventPlayer player;
        private final ProgressLine progress;
        private final long totalEvents;
        private final long updateMask;
        private long played;

        CountingPlayer(EventPlayer player, ProgressLine progress, long totalEvents, long updateMask) {
            this.player = player;
            this.progress = progress;
            this.totalEvents = totalEvents;
            this.updateMask = updateMask;
        }

        @Override
        public boolean play(TraceEvent event) {
            if ((++played & updateMask) == 0) {
                progress.update(played, totalEvents, played);
            }
            return player.play(event);
        }

        @Override
        public void finish() {
            progress.finish();
            player.finish();
        }

        @Override
        public void visitLiveRanges(LiveRangeVisitor visitor) {
            player.visitLiveRanges(visitor);
        }

        @Override
        public void checkInvariants() {
            player.checkInvariants();
        }
    }
}
