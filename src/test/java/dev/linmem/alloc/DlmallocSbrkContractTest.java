package dev.linmem.alloc;

import dev.linmem.memory.LinearMemory;
import dev.linmem.memory.MemoryType;

/** The allocator contract over {@link Dlmalloc} with dlmalloc's defaults on Emscripten's sbrk (so no mmap). */
class DlmallocSbrkContractTest extends AllocatorContract {

    static HeapSource sbrkSource() {
        return HeapSource.emscriptenSbrk(LinearMemory.create(MemoryType.i32(1, 8192)), 1024);
    }

    @Override
    protected Allocator newAllocator() {
        return Dlmalloc.builder(sbrkSource()).build();
    }

    @Override
    protected ReallocZeroPolicy reallocZeroPolicy() {
        return ReallocZeroPolicy.RETURN_MINIMUM_BLOCK;
    }

    @Override
    protected Allocator newDebugAllocator() {
        return Dlmalloc.builder(sbrkSource()).debugMode(Dlmalloc.DebugMode.CANARIES_AND_JUNK).build();
    }
}
