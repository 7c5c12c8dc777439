package dev.linmem.benchmarks.alloc;

import dev.linmem.alloc.Allocator;
import dev.linmem.alloc.Dlmalloc;
import dev.linmem.alloc.Emmalloc;
import dev.linmem.alloc.HeapSource;
import dev.linmem.memory.LinearMemory;
import dev.linmem.memory.MemoryType;
import dev.linmem.space.AddressSpace;

/**
 * The allocators the alloc benchmarks compare, each on a fresh wasm32 memory of up to 4 GiB:
 * the default configurations over an {@link AddressSpace} (brk heap; dlmalloc also maps chunks
 * of 256 KiB and more), and Emscripten's configurations over Emscripten's own {@code sbrk}.
 */
public enum AllocatorKind {
    /** Dlmalloc's defaults over an address space: mmap threshold 256 KiB, trim threshold 2 MiB. */
    DLMALLOC,
    /** Dlmalloc as Emscripten builds it: sbrk only, no trimming. */
    DLMALLOC_EMSCRIPTEN,
    /** Emmalloc in POSIX mode over an address space's brk heap. */
    EMMALLOC,
    /** Emmalloc as Emscripten ships it, over Emscripten's sbrk. */
    EMMALLOC_EMSCRIPTEN;

    /** Wasm pages the benchmark memories may grow to (4 GiB). */
    static final long MAX_PAGES = 65_536;

    /** A fresh allocator of this kind on a fresh memory. */
    public Allocator create() {
        LinearMemory memory = LinearMemory.create(MemoryType.i32(1, MAX_PAGES));
        switch (this) {
            case DLMALLOC:
                return Dlmalloc.builder(HeapSource.addressSpace(AddressSpace.builder(memory).build())).build();
            case DLMALLOC_EMSCRIPTEN:
                return Dlmalloc.builder(HeapSource.emscriptenSbrk(memory)).emscripten().build();
            case EMMALLOC:
                return Emmalloc.create(HeapSource.addressSpace(AddressSpace.builder(memory).build()));
            case EMMALLOC_EMSCRIPTEN:
                return Emmalloc.emscripten(HeapSource.emscriptenSbrk(memory));
            default:
                throw new AssertionError(this);
        }
    }
}
