package dev.linmem.replay.php;

import dev.linmem.alloc.Allocator;
import dev.linmem.emscripten.EmscriptenMmap;
import dev.linmem.memory.LinearMemory;
import dev.linmem.memory.MemoryType;
import dev.linmem.replay.Capability;
import dev.linmem.replay.Machine;
import dev.linmem.replay.Target;
import dev.linmem.replay.TargetOptions;
import dev.linmem.space.MemoryMapper;
import java.util.Set;

/**
 * The machine {@code php-on-emscripten} runs on: Emscripten's mmap emulation over dlmalloc in
 * Emscripten's configuration, in a wasm32 memory of one initial page (static data and stack),
 * as the standard machines start. Not registered on its own: it is the base of the PHP strategy.
 */
final class EmscriptenMachineTarget implements Target {

    @Override
    public String name() {
        return "emscripten-mmap";
    }

    @Override
    public String description() {
        return "Emscripten's mmap emulation over dlmalloc (Emscripten's configuration)";
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.MMAP);
    }

    @Override
    public Machine newMachine(TargetOptions options) {
        return new EmscriptenMachine(EmscriptenMmap.create(LinearMemory.create(MemoryType.i32(1))));
    }

    /** Emscripten's mmap and the heap under it. */
    static final class EmscriptenMachine implements Machine {
        private final EmscriptenMmap mmap;

        EmscriptenMachine(EmscriptenMmap mmap) {
            this.mmap = mmap;
        }

        @Override
        public LinearMemory memory() {
            return mmap.memory();
        }

        @Override
        public MemoryMapper mapper() {
            return mmap;
        }

        @Override
        public long sbrk(long deltaBytes) {
            throw new UnsupportedOperationException("the heap under Emscripten's mmap owns the break");
        }

        @Override
        public Allocator allocator() {
            return mmap.allocator();
        }

        /** Emscripten clears every byte of every mapping. */
        @Override
        public long clearedBytes() {
            return mmap.stats().bytesZeroed();
        }

        @Override
        public void checkInvariants() {
            mmap.checkInvariants();
        }
    }
}
