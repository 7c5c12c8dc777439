package dev.linmem.memory;

/** The {@link LinearMemoryContract} for wasm32, direct pages, shared (hardware atomics). */
class SharedDirectLinearMemoryTest extends LinearMemoryContract {

    SharedDirectLinearMemoryTest() {
        super(AddressType.I32, Backing.DIRECT, true);
    }
}
