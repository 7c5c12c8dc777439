package dev.linmem.alloc;

/** The allocator contract over {@link Dlmalloc} in Emscripten's configuration (no mmap, no trimming). */
class DlmallocEmscriptenContractTest extends AllocatorContract {

    @Override
    protected Allocator newAllocator() {
        return Dlmalloc.builder(DlmallocSbrkContractTest.sbrkSource()).emscripten().build();
    }

    @Override
    protected ReallocZeroPolicy reallocZeroPolicy() {
        return ReallocZeroPolicy.FREE_AND_RETURN_NULL;
    }

    @Override
    protected Allocator newDebugAllocator() {
        return Dlmalloc.builder(DlmallocSbrkContractTest.sbrkSource()).emscripten()
                .debugMode(Dlmalloc.DebugMode.CANARIES_AND_JUNK).build();
    }
}
