package dev.linmem.memory;

/** The {@link LinearMemoryContract} for wasm32, direct, shared, with pages in slabs of 4. */
class SlabSharedDirectLinearMemoryTest extends LinearMemoryContract {

    SlabSharedDirectLinearMemoryTest() {
        super(AddressType.I32, Backing.DIRECT, true, 2);
    }
}
