package dev.linmem.chicory;

import com.dylibso.chicory.runtime.ByteBufferMemory;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import org.junit.jupiter.api.Nested;

/** The contract on Chicory's own default memory: checks the contract against the reference. */
class ChicoryDefaultMemoryContractTest {

    @Nested
    class Unshared extends ChicoryMemoryContract {
        @Override
        Memory create(MemoryLimits limits) {
            return new ByteBufferMemory(limits);
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
            return new ByteBufferMemory(limits);
        }
    }
}
