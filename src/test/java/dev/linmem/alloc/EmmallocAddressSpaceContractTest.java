package dev.linmem.alloc;

/**
 * The allocator contract over {@link Emmalloc} (POSIX mode) on an {@code AddressSpace}'s brk heap
 * with 4 KiB map pages: the heap grows and trims by sbrk there, so what it gives back is
 * reusable by every other user of the space.
 */
class EmmallocAddressSpaceContractTest extends AllocatorContract {

    @Override
    protected Allocator newAllocator() {
        return Emmalloc.create(DlmallocAddressSpaceContractTest.spaceSource());
    }

    @Override
    protected ReallocZeroPolicy reallocZeroPolicy() {
        return ReallocZeroPolicy.FREE_AND_RETURN_NULL;
    }

    @Override
    protected Allocator newDebugAllocator() {
        return Emmalloc.builder(DlmallocAddressSpaceContractTest.spaceSource()).checking(Emmalloc.Checking.DEBUG).build();
    }
}
