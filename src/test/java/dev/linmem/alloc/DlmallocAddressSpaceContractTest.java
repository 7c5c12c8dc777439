package dev.linmem.alloc;

import dev.linmem.memory.LinearMemory;
import dev.linmem.memory.MemoryType;
import dev.linmem.space.AddressSpace;

/**
 * The allocator contract over {@link Dlmalloc} on an {@link AddressSpace}: brk heap plus direct
 * mappings above the 256 KiB threshold, 4 KiB map pages as Linux.
 */
class DlmallocAddressSpaceContractTest extends AllocatorContract {

    static HeapSource spaceSource() {
        LinearMemory memory = LinearMemory.create(MemoryType.i32(1, 8192));
        return HeapSource.addressSpace(AddressSpace.builder(memory).pageSizeBytes(AddressSpace.LINUX_PAGE_BYTES).build());
    }

    @Override
    protected Allocator newAllocator() {
        return Dlmalloc.builder(spaceSource()).build();
    }

    @Override
    protected ReallocZeroPolicy reallocZeroPolicy() {
        return ReallocZeroPolicy.RETURN_MINIMUM_BLOCK;
    }

    @Override
    protected Allocator newDebugAllocator() {
        return Dlmalloc.builder(spaceSource()).debugMode(Dlmalloc.DebugMode.CANARIES_AND_JUNK).build();
    }
}
