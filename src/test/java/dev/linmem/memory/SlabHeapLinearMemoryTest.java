package dev.linmem.memory;

/**
 * The {@link LinearMemoryContract} for wasm32, heap, unshared, with pages in slabs of 4 (so the
 * contract's small memories share slabs, and a maximum that is not a multiple of 4 cuts the last
 * slab short).
 */
class SlabHeapLinearMemoryTest extends LinearMemoryContract {

    SlabHeapLinearMemoryTest() {
        super(AddressType.I32, Backing.HEAP, false, 2);
    }
}
