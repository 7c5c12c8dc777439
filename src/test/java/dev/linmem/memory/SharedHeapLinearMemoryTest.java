package dev.linmem.memory;

/** The {@link LinearMemoryContract} for wasm32, heap pages, shared (lock-striped atomics). */
class SharedHeapLinearMemoryTest extends LinearMemoryContract {

    SharedHeapLinearMemoryTest() {
        super(AddressType.I32, Backing.HEAP, true);
    }
}
