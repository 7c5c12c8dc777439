package dev.linmem.chicory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.runtime.ImportMemory;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import dev.linmem.memory.Backing;
import dev.linmem.memory.LinearMemory;
import dev.linmem.memory.MemoryType;
import org.junit.jupiter.api.Test;

/**
 * Guest 1 built to import its memory ({@code env.memory}): the host makes the LinearMemory,
 * hands it to Chicory with {@link ImportMemory}, and sees every byte the guest writes.
 */
class ImportedMemoryTest {

    private static Instance instantiate(LinearMemory memory) {
        Instance instance = Instance.builder(Guests.module("adapter_guest_imported.wasm"))
                .withImportValues(ImportValues.builder()
                        .addMemory(new ImportMemory("env", "memory", new LinmemMemory(memory)))
                        .build())
                .withStart(false)
                .build();
        instance.export("_initialize").apply();
        return instance;
    }

    @Test
    void theGuestRunsOnAMemoryTheHostMade() {
        LinearMemory memory = LinearMemory.create(MemoryType.i32(2, 64), Backing.DIRECT);
        Instance instance = instantiate(memory);
        assertThat(instance.memory()).isInstanceOf(LinmemMemory.class);
        assertThat(instance.export("test_grow").apply()[0]).isZero();
        assertThat(instance.export("test_bulk").apply()[0]).isZero();
        assertThat(instance.export("test_atomics").apply()[0]).isZero();
        // The guest grew the host's memory and wrote its last byte.
        assertThat(memory.pages()).isEqualTo(7);
        instance.export("store_i8").apply(memory.sizeBytes() - 1, 0x5C);
        assertThat(memory.getI8(memory.sizeBytes() - 1)).isEqualTo((byte) 0x5C);
    }

    @Test
    void growthStopsAtTheImportedMemorysMaximum() {
        LinearMemory memory = LinearMemory.create(MemoryType.i32(2, 4));
        Instance instance = instantiate(memory);
        assertThat(instance.export("grow").apply(3)[0]).isEqualTo(-1);
        assertThat(instance.export("grow").apply(2)[0]).isEqualTo(2);
        assertThat(memory.pages()).isEqualTo(4);
        assertThatThrownBy(() -> instance.export("load_i32").apply(memory.sizeBytes()))
                .isInstanceOf(WasmRuntimeException.class);
    }
}
