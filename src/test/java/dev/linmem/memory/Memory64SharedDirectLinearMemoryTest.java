package dev.linmem.memory;

/** The {@link LinearMemoryContract} for memory64 (two-level table), direct pages, shared. */
class Memory64SharedDirectLinearMemoryTest extends LinearMemoryContract {

    Memory64SharedDirectLinearMemoryTest() {
        super(AddressType.I64, Backing.DIRECT, true);
    }
}
