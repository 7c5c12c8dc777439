package dev.linmem.alloc;

/**
 * The allocator contract over {@link Emmalloc} in its POSIX mode on Emscripten's sbrk. (The
 * Emscripten mode departs from the contract on purpose, F6, F13, F17 and F18:
 * {@link EmmallocModesTest} covers it.)
 */
class EmmallocSbrkContractTest extends AllocatorContract {

    @Override
    protected Allocator newAllocator() {
        return Emmalloc.create(DlmallocSbrkContractTest.sbrkSource());
    }

    @Override
    protected ReallocZeroPolicy reallocZeroPolicy() {
        return ReallocZeroPolicy.FREE_AND_RETURN_NULL;
    }

    @Override
    protected Allocator newDebugAllocator() {
        return Emmalloc.builder(DlmallocSbrkContractTest.sbrkSource()).checking(Emmalloc.Checking.DEBUG).build();
    }
}
