package dev.linmem.replay;

import dev.linmem.alloc.Allocator;
import dev.linmem.alloc.Dlmalloc;
import dev.linmem.alloc.Emmalloc;
import dev.linmem.alloc.HeapSource;
import dev.linmem.emscripten.EmscriptenMmap;
import dev.linmem.memory.LinearMemory;
import dev.linmem.space.MemoryMapper;
import java.util.EnumSet;
import java.util.Set;

/**
 * {@code emscripten} and {@code emscripten-emmalloc}: Emscripten's mmap emulation over its
 * malloc (dlmalloc or emmalloc in Emscripten's configuration) on Emscripten's sbrk. The
 * recording's brk moves the same break the heap grows by, as an Emscripten program's
 * {@code sbrk} does.
 */
final class EmscriptenTarget implements Target {

    private final EmscriptenMmap.Malloc malloc;

    EmscriptenTarget(EmscriptenMmap.Malloc malloc) {
        this.malloc = malloc;
    }

    @Override
    public String name() {
        return malloc == EmscriptenMmap.Malloc.DLMALLOC ? "emscripten" : "emscripten-emmalloc";
    }

    @Override
    public String description() {
        return "Emscripten's mmap emulation over " + (malloc == EmscriptenMmap.Malloc.DLMALLOC ? "dlmalloc" : "emmalloc")
                + " (hints refused, partial munmap refused, mremap fails)";
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.MMAP, Capability.BRK);
    }

    @Override
    public Machine newMachine(TargetOptions options) {
        LinearMemory memory = Machines.newMemory();
        HeapSource source = HeapSource.emscriptenSbrk(memory);
        return new EmscriptenMachine(source, heapFor(malloc, source));
    }

    /** Emscripten's malloc of the given kind over {@code source}. */
    static Allocator heapFor(EmscriptenMmap.Malloc malloc, HeapSource source) {
        return malloc == EmscriptenMmap.Malloc.DLMALLOC ? Dlmalloc.builder(source).emscripten().build()
                : Emmalloc.emscripten(source);
    }

    /** Emscripten's sbrk, its malloc, and the mmap emulation over that malloc. */
    static final class EmscriptenMachine implements Machine {
        private final HeapSource source;
        private final Allocator allocator;
        private final EmscriptenMmap mmap;

        EmscriptenMachine(HeapSource source, Allocator allocator) {
            this.source = source;
            this.allocator = allocator;
            this.mmap = EmscriptenMmap.over(allocator);
        }

        @Override
        public LinearMemory memory() {
            return source.memory();
        }

        @Override
        public MemoryMapper mapper() {
            return mmap;
        }

        @Override
        public long sbrk(long deltaBytes) {
            return source.sbrk(deltaBytes);
        }

        @Override
        public Allocator allocator() {
            return allocator;
        }

        @Override
        public long clearedBytes() {
            return mmap.stats().bytesZeroed();
        }

        @Override
        public void checkInvariants() {
            allocator.checkInvariants();
            mmap.checkInvariants();
        }
    }
}
