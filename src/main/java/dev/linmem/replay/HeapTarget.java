package dev.linmem.replay;

import dev.linmem.alloc.Allocator;
import dev.linmem.alloc.Dlmalloc;
import dev.linmem.alloc.HeapSource;
import dev.linmem.memory.LinearMemory;
import dev.linmem.space.AddressSpace;
import dev.linmem.space.MemoryMapper;
import java.util.EnumSet;
import java.util.Set;

/**
 * The heap strategies: {@code dlmalloc} over linmem's AddressSpace (its brk heap and mappings
 * for large chunks; the recording's own mmap calls go to the same space), and in Emscripten's
 * configuration over Emscripten's sbrk.
 */
final class HeapTarget implements Target {

    /** Which allocator, configured how. */
    enum Kind {
        DLMALLOC("dlmalloc", "Dlmalloc over the linmem AddressSpace (brk heap, mmap above 256 KiB)"),
        DLMALLOC_EMSCRIPTEN("dlmalloc-emscripten", "Dlmalloc as Emscripten builds it (sbrk only, no trim)");

        final String targetName;
        final String description;

        Kind(String targetName, String description) {
            this.targetName = targetName;
            this.description = description;
        }

        boolean overAddressSpace() {
            return this == DLMALLOC;
        }
    }

    private final Kind kind;

    HeapTarget(Kind kind) {
        this.kind = kind;
    }

    @Override
    public String name() {
        return kind.targetName;
    }

    @Override
    public String description() {
        return kind.description;
    }

    @Override
    public Set<Capability> capabilities() {
        return kind.overAddressSpace() ? EnumSet.of(Capability.HEAP, Capability.MMAP) : EnumSet.of(Capability.HEAP);
    }

    @Override
    public Machine newMachine(TargetOptions options) {
        LinearMemory memory = Machines.newMemory();
        if (kind.overAddressSpace()) {
            AddressSpace space = AddressSpace.builder(memory)
                    .pageSizeBytes(options.mapPageBytes())
                    .baseAddress(memory.sizeBytes())
                    .build();
            HeapSource source = new AddressSpaceHeapSource(space);
            Allocator allocator = Dlmalloc.builder(source).build();
            return new HeapMachine(allocator, space);
        }
        HeapSource source = HeapSource.emscriptenSbrk(memory);
        Allocator allocator = Dlmalloc.builder(source).emscripten().build();
        return new HeapMachine(allocator, null);
    }

    /** An allocator, with the address space under it when there is one. */
    static final class HeapMachine implements Machine {
        private final Allocator allocator;
        private final AddressSpace space;

        HeapMachine(Allocator allocator, AddressSpace space) {
            this.allocator = allocator;
            this.space = space;
        }

        @Override
        public LinearMemory memory() {
            return allocator.memory();
        }

        @Override
        public MemoryMapper mapper() {
            if (space == null) {
                throw new UnsupportedOperationException("this heap has no mmap");
            }
            return space;
        }

        @Override
        public long sbrk(long deltaBytes) {
            throw new UnsupportedOperationException("the heap owns the break");
        }

        @Override
        public Allocator allocator() {
            return allocator;
        }

        @Override
        public long clearedBytes() {
            return space == null ? 0 : space.stats().bytesZeroed();
        }

        @Override
        public void checkInvariants() {
            allocator.checkInvariants();
            if (space != null) {
                space.checkInvariants();
            }
        }
    }
}
