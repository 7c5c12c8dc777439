package dev.linmem.memory;

/** The {@link LinearMemoryContract} for wasm32, heap pages, unshared. */
class HeapLinearMemoryTest extends LinearMemoryContract {

    HeapLinearMemoryTest() {
        super(AddressType.I32, Backing.HEAP, false);
    }
}
