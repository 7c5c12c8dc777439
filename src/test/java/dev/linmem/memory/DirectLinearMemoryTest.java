package dev.linmem.memory;

/** The {@link LinearMemoryContract} for wasm32, direct pages, unshared. */
class DirectLinearMemoryTest extends LinearMemoryContract {

    DirectLinearMemoryTest() {
        super(AddressType.I32, Backing.DIRECT, false);
    }
}
