package dev.linmem.replay.php;

import dev.linmem.alloc.Allocator;
import dev.linmem.alloc.Dlmalloc;
import dev.linmem.alloc.HeapSource;
import dev.linmem.memory.LinearMemory;
import dev.linmem.memory.MemoryType;
import dev.linmem.replay.Capability;
import dev.linmem.replay.Machine;
import dev.linmem.replay.Target;
import dev.linmem.replay.TargetOptions;
import dev.linmem.space.AddressSpace;
import dev.linmem.space.MemoryMapper;
import java.util.Set;

/** Base targets for the PHP strategies in tests: an AddressSpace, and dlmalloc in Emscripten's configuration. */
final class TestMachines {

    private TestMachines() {
    }

    /** A 4 GiB wasm32 memory, empty. */
    static LinearMemory memory() {
        return LinearMemory.create(MemoryType.i32(0, 65_536));
    }

    static Target linmem() {
        return new BaseTarget("linmem", Set.of(Capability.MMAP)) {
            @Override
            public Machine newMachine(TargetOptions options) {
                AddressSpace space = AddressSpace.builder(memory()).pageSizeBytes(options.mapPageBytes()).build();
                return new MapperMachine(space);
            }
        };
    }

    static Target dlmallocEmscripten() {
        return new BaseTarget("dlmalloc-emscripten", Set.of(Capability.HEAP)) {
            @Override
            public Machine newMachine(TargetOptions options) {
                LinearMemory memory = memory();
                Dlmalloc heap = Dlmalloc.builder(HeapSource.emscriptenSbrk(memory)).emscripten().build();
                return new HeapMachine(heap);
            }
        };
    }

    private abstract static class BaseTarget implements Target {
        private final String name;
        private final Set<Capability> capabilities;

        BaseTarget(String name, Set<Capability> capabilities) {
            this.name = name;
            this.capabilities = capabilities;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String description() {
            return name + " (test machine)";
        }

        @Override
        public Set<Capability> capabilities() {
            return capabilities;
        }
    }

    static final class MapperMachine implements Machine {
        private final MemoryMapper mapper;

        MapperMachine(MemoryMapper mapper) {
            this.mapper = mapper;
        }

        @Override
        public LinearMemory memory() {
            return mapper.memory();
        }

        @Override
        public MemoryMapper mapper() {
            return mapper;
        }

        @Override
        public long sbrk(long deltaBytes) {
            throw new UnsupportedOperationException("sbrk");
        }

        @Override
        public Allocator allocator() {
            throw new UnsupportedOperationException("allocator");
        }

        @Override
        public long clearedBytes() {
            return 0;
        }

        @Override
        public void checkInvariants() {
            mapper.checkInvariants();
        }
    }

    static final class HeapMachine implements Machine {
        private final Allocator heap;

        HeapMachine(Allocator heap) {
            this.heap = heap;
        }

        @Override
        public LinearMemory memory() {
            return heap.memory();
        }

        @Override
        public MemoryMapper mapper() {
            throw new UnsupportedOperationException("mapper");
        }

        @Override
        public long sbrk(long deltaBytes) {
            throw new UnsupportedOperationException("sbrk");
        }

        @Override
        public Allocator allocator() {
            return heap;
        }

        @Override
        public long clearedBytes() {
            return 0;
        }

        @Override
        public void checkInvariants() {
            heap.checkInvariants();
        }
    }
}
