package dev.linmem.replay.php;

import dev.linmem.replay.Capability;
import dev.linmem.replay.EventPlayer;
import dev.linmem.replay.Machine;
import dev.linmem.replay.RecordedTrace;
import dev.linmem.replay.ReplayMeter;
import dev.linmem.replay.Target;
import dev.linmem.replay.TargetOptions;
import dev.linmem.replay.TraceProfile;
import dev.linmem.replay.trace.TraceEvent;
import java.util.Objects;
import java.util.Set;

/**
 * A PHP strategy: zend_alloc's OS layer, modelled, over the machine of a base target. Its
 * player lifts the recording to PHP's decisions and replays them on the model.
 */
final class PhpTarget implements Target {

    private final String name;
    private final String description;
    private final Target base;
    private final PhpStrategy strategy;

    PhpTarget(String name, String description, Target base, PhpStrategy strategy) {
        this.name = Objects.requireNonNull(name, "name");
        this.description = Objects.requireNonNull(description, "description");
        this.base = Objects.requireNonNull(base, "base");
        this.strategy = Objects.requireNonNull(strategy, "strategy");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    /** What the base machine offers: the mmap family, or (Playground) a malloc heap. */
    @Override
    public Set<Capability> capabilities() {
        return strategy == PhpStrategy.PLAYGROUND ? Set.of(Capability.HEAP) : Set.of(Capability.MMAP);
    }

    /**
     * Only with the events at hand ({@link #fits(RecordedTrace)}) can a trace be recognised as
     * PHP's, so a profile alone never fits.
     */
    @Override
    public boolean fits(TraceProfile profile) {
        return false;
    }

    /**
     * PHP recordings, recognised by content, whatever the file is called: mmap-family calls in
     * which the lifter finds zend_alloc at work, a chunk allocated (2 MiB aligned to 2 MiB,
     * directly or by mapping more and trimming) and a block of it later freed, extended or
     * truncated as only zend_alloc does. One aligned 2 MiB mapping alone is not enough: other
     * programs make those too (gcc's cc1 does, and kernels since 6.7 align large anonymous
     * mappings by themselves). Reading stops as soon as both are seen. Any other trace can
     * still be replayed by naming the target; its lifting then finds little.
     */
    @Override
    public boolean fits(RecordedTrace trace) {
        return trace.profile().eventKinds().contains(Capability.MMAP) && showsZendAlloc(trace);
    }

    static boolean showsZendAlloc(RecordedTrace trace) {
        boolean[] seen = new boolean[2]; // a chunk allocated; a block freed, extended or truncated
        ZendLifter lifter = new ZendLifter(d -> {
            if (d instanceof ZendDecision.AlignedAlloc a && a.sizeBytes() == ZendConstants.CHUNK_BYTES) {
                seen[0] = true;
            } else if (!(d instanceof ZendDecision.AlignedAlloc)) {
                seen[1] = true;
            }
        });
        for (TraceEvent e : trace.events()) {
            lifter.accept(e);
            if (seen[0] && seen[1]) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Machine newMachine(TargetOptions options) {
        return base.newMachine(options);
    }

    @Override
    public EventPlayer newPlayer(Machine machine, RecordedTrace trace, ReplayMeter meter) {
        ZendLifting lifting = ZendLifter.lift(trace.events());
        ChunkStorage storage = strategy.storage(machine, meter);
        ZendOsModel model = new ZendOsModel(storage, meter);
        return new PhpPlayer(lifting, model, storage, meter);
    }

    @Override
    public String toString() {
        return name;
    }
}
