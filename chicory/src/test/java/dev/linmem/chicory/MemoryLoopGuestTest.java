package dev.linmem.chicory;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.runtime.ByteBufferMemory;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Guest 3, the benchmark's loop, computes the same checksum on the linmem adapter as on Chicory's memory. */
class MemoryLoopGuestTest {

    private static long checksum(Guests.Engine engine, Function<MemoryLimits, Memory> memory) {
        Instance instance = Guests.instantiate("memory_loop.wasm", engine, memory).instance();
        instance.export("_initialize").apply();
        return instance.export("run").apply(1)[0];
    }

    @ParameterizedTest
    @EnumSource(Guests.Engine.class)
    void linmemComputesWhatChicorysOwnMemoryComputes(Guests.Engine engine) {
        long expected = checksum(engine, ByteBufferMemory::new);
        assertThat(checksum(engine, LinmemMemory.factory())).isEqualTo(expected);
    }
}
