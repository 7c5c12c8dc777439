package dev.linmem.replay.php;

import dev.linmem.replay.EventPlayer;
import dev.linmem.replay.LiveRangeVisitor;
import dev.linmem.replay.PeakMap;
import dev.linmem.replay.ReplayMeter;
import dev.linmem.replay.trace.TraceEvent;
import java.util.List;

/**
 * Plays a PHP recording on one strategy: the recording is lifted once, before the timed replay,
 * and each recorded event then applies the decisions it completed to the {@link ZendOsModel}.
 * An event is replayed when it is part of a decision and skipped when it is not PHP's.
 */
final class PhpPlayer implements EventPlayer {

    private final ZendLifting lifting;
    private final List<ZendDecision> decisions;
    private final ZendOsModel model;
    private final ChunkStorage storage;
    private final ReplayMeter meter;
    private int nextDecision;
    private long eventsPlayed;

    PhpPlayer(ZendLifting lifting, ZendOsModel model, ChunkStorage storage, ReplayMeter meter) {
        this.lifting = lifting;
        this.decisions = lifting.decisions();
        this.model = model;
        this.storage = storage;
        this.meter = meter;
    }

    @Override
    public boolean play(TraceEvent event) {
        eventsPlayed++;
        while (nextDecision < decisions.size() && decisions.get(nextDecision).eventIndex() == eventsPlayed) {
            model.apply(decisions.get(nextDecision++));
        }
        return eventsPlayed <= lifting.counts().events() && lifting.isLifted(eventsPlayed);
    }

    @Override
    public void finish() {
        meter.leaked(Math.max(0, storage.leakedBytes(model.liveBlockBytes())));
    }

    @Override
    public void visitLiveRanges(LiveRangeVisitor visitor) {
        for (long[] r : model.blockRanges()) {
            visitor.range(r[0], r[1] - r[0], PeakMap.Kind.LIVE);
        }
        storage.visitHeld(visitor, PeakMap.Kind.LEAKED); // where no live block is, it is leaked
    }

    @Override
    public void checkInvariants() {
        model.checkInvariants();
        if (nextDecision < decisions.size() && decisions.get(nextDecision).eventIndex() <= eventsPlayed) {
            throw new IllegalStateException("decision " + decisions.get(nextDecision) + " was not applied");
        }
    }
}
