package dev.linmem.chicory;

import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.linmem.memory.Backing;
import org.junit.jupiter.api.Nested;

/** The contract on the linmem adapter, with each backing, unshared and shared. */
class LinmemMemoryContractTest {

    @Nested
    class Heap extends ChicoryMemoryContract {
        @Override
        Memory create(MemoryLimits limits) {
            return LinmemMemory.of(limits, Backing.HEAP);
        }
    }

    @Nested
    class Direct extends ChicoryMemoryContract {
        @Override
        Memory create(MemoryLimits limits) {
            return LinmemMemory.of(limits, Backing.DIRECT);
        }
    }

    @Nested
    class Shared extends ChicoryMemoryContract {
        @Override
        boolean shared() {
            return true;
        }

        @Override
        Memory create(MemoryLimits limits) {
            return LinmemMemory.of(limits, Backing.HEAP);
        }
    }
}
