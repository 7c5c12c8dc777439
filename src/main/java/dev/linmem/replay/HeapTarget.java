package dev.linmem.replay;

import dev.linmem.alloc.Allocator;
import dev.linmem.alloc.Dlmalloc;
import dev.linmem.alloc.Emmalloc;
import dev.linmem.emscripten.EmscriptenMmap;
import dev.linmem.alloc.HeapSource;
import dev.linmem.memory.LinearMemory;
import dev.linmem.space.AddressSpace;
import dev.linmem.space.MemoryMapper;
import java.util.EnumSet;
import java.util.Set;

/**
 * The heap strategies: {@code dlmalloc} and {@code emmalloc} over linmem's AddressSpace (its
 * brk heap; dlmalloc also maps large chunks), and each as Emscripten builds it, over
 * Emscripten's sbrk.
 *
 * <p>Capabilities follow what each can do with a trace's own mmap lines: {@code dlmalloc}
 * replays them on the same AddressSpace (when they block its break it continues in mapped
 * segments, as dlmalloc does); {@code emmalloc} grows only by a contiguous break, which the
 * recording's mappings would block, so it replays heap-only traces. The Emscripten-configured
 * heaps replay a trace's mmap lines on Emscripten's mmap emulation over the same heap.
 */
final class HeapTarget implements Target {

    /** Which allocator, configured how. */
    enum Kind {
        DLMALLOC("dlmalloc", "Dlmalloc over the linmem AddressSpace (brk heap, mmap from 256 KiB, trimming)"),
        EMMALLOC("emmalloc", "Emmalloc over the linmem AddressSpace's brk heap (POSIX mode, trimming)"),
        DLMALLOC_EMSCRIPTEN("dlmalloc-emscripten", "Dlmalloc as Emscripten builds it (sbrk only, no trimming)"),
        EMMALLOC_EMSCRIPTEN("emmalloc-emscripten", "Emmalloc as Emscripten builds it (sbrk only)");

        final String targetName;
        final String description;

        Kind(String targetName, String description) {
            this.targetName = targetName;
            this.description = description;
        }

        boolean overAddressSpace() {
            return this == DLMALLOC || this == EMMALLOC;
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
        return kind == Kind.EMMALLOC ? EnumSet.of(Capability.HEAP) : EnumSet.of(Capability.HEAP, Capability.MMAP);
    }

    @Override
    public Machine newMachine(TargetOptions options) {
        LinearMemory memory = Machines.newMemory();
        if (kind.overAddressSpace()) {
            AddressSpace space = AddressSpace.builder(memory)
                    .pageSizeBytes(options.mapPageBytes())
                    .baseAddress(memory.sizeBytes())
                    .build();
            HeapSource source = HeapSource.addressSpace(space);
            Allocator allocator = kind == Kind.DLMALLOC ? Dlmalloc.builder(source).build() : Emmalloc.create(source);
            return new HeapMachine(allocator, space);
        }
        HeapSource source = HeapSource.emscriptenSbrk(memory);
        Allocator allocator = EmscriptenTarget.heapFor(kind == Kind.DLMALLOC_EMSCRIPTEN ? EmscriptenMmap.Malloc.DLMALLOC
                : EmscriptenMmap.Malloc.EMMALLOC, source);
        return new EmscriptenTarget.EmscriptenMachine(source, allocator);
    }

    /** An allocator over an address space. */
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
            return space.stats().bytesZeroed();
        }

        @Override
        public void checkInvariants() {
            allocator.checkInvariants();
            space.checkInvariants();
        }
    }
}
