package dev.linmem.chicory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import dev.linmem.memory.LinearMemory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Guest 1 (guests/adapter_guest.c), a real C program compiled to wasm32, run on Chicory with
 * linmem as its memory: growth, bulk memory, atomics and bounds traps, on Chicory's interpreter
 * and its compiler.
 */
class AdapterGuestTest {

    private static Instance start(Guests.Engine engine) {
        Instance instance = Guests.instantiate("adapter_guest.wasm", engine, LinmemMemory.factory()).instance();
        instance.export("_initialize").apply();
        assertThat(instance.memory()).isInstanceOf(LinmemMemory.class);
        return instance;
    }

    private static long call(Instance instance, String name, long... args) {
        long[] result = instance.export(name).apply(args);
        return result == null || result.length == 0 ? 0 : result[0];
    }

    @ParameterizedTest
    @EnumSource(Guests.Engine.class)
    void guestGrowsTheMemoryAndFindsNewPagesZero(Guests.Engine engine) {
        Instance instance = start(engine);
        long before = call(instance, "memory_pages");
        assertThat(call(instance, "test_grow")).as("first failing check").isZero();
        LinearMemory linear = ((LinmemMemory) instance.memory()).linearMemory();
        assertThat(linear.pages()).isEqualTo(before + 3);
        assertThat(linear.getI8((before + 3) * LinearMemory.PAGE_BYTES - 1)).isEqualTo((byte) 0xAB);
    }

    @ParameterizedTest
    @EnumSource(Guests.Engine.class)
    void guestBulkMemoryOperationsAreMemmoveAndFill(Guests.Engine engine) {
        assertThat(call(start(engine), "test_bulk")).as("first failing check").isZero();
    }

    @ParameterizedTest
    @EnumSource(Guests.Engine.class)
    void guestAtomicsAtEveryWidth(Guests.Engine engine) {
        assertThat(call(start(engine), "test_atomics")).as("first failing check").isZero();
    }

    @ParameterizedTest
    @EnumSource(Guests.Engine.class)
    void guestAccessesTrapAtTheBoundsAndNeverWritePartially(Guests.Engine engine) {
        Instance instance = start(engine);
        LinearMemory linear = ((LinmemMemory) instance.memory()).linearMemory();
        long size = linear.sizeBytes();
        linear.putI32(size - 4, 0x01020304);
        assertThat(call(instance, "load_i32", size - 4)).isEqualTo(0x01020304);
        assertThatThrownBy(() -> call(instance, "load_i32", size - 3))
                .isInstanceOf(WasmRuntimeException.class).hasMessageContaining("out of bounds memory access");
        // 0xFFFFFFFF reaches the host as the int -1: out of bounds, never a wrapped index.
        assertThatThrownBy(() -> call(instance, "load_i32", 0xFFFF_FFFFL))
                .isInstanceOf(WasmRuntimeException.class).hasMessageContaining("out of bounds memory access");
        assertThatThrownBy(() -> call(instance, "store_i8", size, 1))
                .isInstanceOf(WasmRuntimeException.class);

        // memory.fill and memory.copy running past the end write nothing.
        ExportFunction fill = instance.export("fill");
        assertThatThrownBy(() -> fill.apply(size - 16, 0x77, 17))
                .isInstanceOf(WasmRuntimeException.class);
        assertThat(linear.getI8(size - 16)).isZero();
        assertThatThrownBy(() -> instance.export("copy").apply(size - 8, 0, 9))
                .isInstanceOf(WasmRuntimeException.class);
        assertThat(linear.getI32(size - 4)).isEqualTo(0x01020304);
        // The same operations inside the bounds work.
        fill.apply(size - 16, 0x77, 16);
        assertThat(linear.getI8(size - 1)).isEqualTo((byte) 0x77);
    }
}
