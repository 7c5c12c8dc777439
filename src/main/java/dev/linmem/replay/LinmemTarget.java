package dev.linmem.replay;

import dev.linmem.alloc.Allocator;
import dev.linmem.memory.LinearMemory;
import dev.linmem.space.AddressSpace;
import dev.linmem.space.MemoryMapper;
import dev.linmem.space.PlacementPolicy;
import java.util.EnumSet;
import java.util.Set;

/**
 * {@code linmem}: the AddressSpace with Linux's behaviour, its default placement policy, and the
 * map page of the options (4 KiB by default, as the recordings' kernel). The managed space
 * starts after the memory's first wasm page (static data and stack).
 */
final class LinmemTarget implements Target {

    private final PlacementPolicy placement;

    /** The AddressSpace's default placement. */
    LinmemTarget() {
        this(PlacementPolicy.defaultPolicy());
    }

    /** Another placement policy, to measure policies against each other (docs/replay.md). */
    LinmemTarget(PlacementPolicy placement) {
        this.placement = placement;
    }

    @Override
    public String name() {
        return "linmem";
    }

    @Override
    public String description() {
        return "linmem AddressSpace (Linux semantics, default placement)";
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.MMAP, Capability.BRK);
    }

    @Override
    public Machine newMachine(TargetOptions options) {
        LinearMemory memory = Machines.newMemory();
        AddressSpace space = AddressSpace.builder(memory)
                .pageSizeBytes(options.mapPageBytes())
                .baseAddress(memory.sizeBytes())
                .placement(placement)
                .build();
        return new SpaceMachine(space);
    }

    /** A machine that is an address space alone. */
    static final class SpaceMachine implements Machine {
        private final AddressSpace space;

        SpaceMachine(AddressSpace space) {
            this.space = space;
        }

        @Override
        public LinearMemory memory() {
            return space.memory();
        }

        @Override
        public MemoryMapper mapper() {
            return space;
        }

        @Override
        public long sbrk(long deltaBytes) {
            return space.sbrk(deltaBytes);
        }

        @Override
        public Allocator allocator() {
            throw new UnsupportedOperationException("linmem replays system calls, not heap calls");
        }

        @Override
        public long clearedBytes() {
            return space.stats().bytesZeroed();
        }

        @Override
        public void checkInvariants() {
            space.checkInvariants();
        }
    }
}
