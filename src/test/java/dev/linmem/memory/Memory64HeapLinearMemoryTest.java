package dev.linmem.memory;

/** The {@link LinearMemoryContract} for memory64 (two-level table), heap pages, unshared. */
class Memory64HeapLinearMemoryTest extends LinearMemoryContract {

    Memory64HeapLinearMemoryTest() {
        super(AddressType.I64, Backing.HEAP, false);
    }
}
