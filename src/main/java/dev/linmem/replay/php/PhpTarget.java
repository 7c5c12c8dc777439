package dev.linmem.replay.php;

import dev.linmem.replay.Capability;
import dev.linmem.replay.EventPlayer;
import dev.linmem.replay.Machine;
import dev.linmem.replay.RecordedTrace;
import dev.linmem.replay.ReplayMeter;
import dev.linmem.replay.Target;
import dev.linmem.replay.TargetOptions;
import dev.linmem.replay.TraceProfile;
import java.util.Locale;
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
     * PHP recordings: traces with mmap-family calls whose file name says they are PHP's. Any
     * other trace can still be replayed by naming the target; its lifting then finds little.
     */
    @Override
    public boolean fits(TraceProfile profile) {
        return profile.eventKinds().contains(Capability.MMAP)
                && profile.traceName().toLowerCase(Locale.ROOT).contains("php");
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
