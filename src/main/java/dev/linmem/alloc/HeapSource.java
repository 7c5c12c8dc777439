package dev.linmem.alloc;

import dev.linmem.memory.LinearMemory;
import dev.linmem.space.AddressSpace;
import dev.linmem.space.Errno;

/**
 * Where a heap's memory comes from: a program break ({@code sbrk}) and, when the source
 * {@linkplain #supportsMmap() supports it}, whole mappings for direct-mapped large chunks.
 *
 * <p>This is the allocator layer's platform contract, kept as small as mimalloc's {@code prim}
 * header: an allocator asks for contiguous bytes at the break, may give bytes back from the
 * break's end, and may map and unmap separate ranges. Capabilities are data
 * ({@link #supportsMmap()}, {@link #mmapGranularityBytes()}), never flags to test by trial.
 *
 * <p>Results follow the system call convention of {@code dev.linmem.space}: a non-negative
 * address (or 0 for success) or {@code -errno} ({@link Errno#isError(long)}). The only error an
 * allocator should ever see from a source is ENOMEM; anything else is a bug in the layer below
 * and the allocator treats it as {@link IllegalStateException}.
 *
 * <p>Two sources exist: {@link #emscriptenSbrk} (Emscripten's own {@code sbrk}: a break over the
 * memory, growing it by wasm pages, no mmap) and {@link #addressSpace} (the break and mappings of
 * an {@link AddressSpace}, so pages given back are reusable by every other user of the space).
 * A source is not thread-safe on its own; each heap calls it under its own lock.
 */
public interface HeapSource {

    /** The memory the source hands out. */
    LinearMemory memory();

    /**
     * {@code sbrk(incrementBytes)}: moves the break by {@code incrementBytes} (negative gives
     * bytes back).
     *
     * @return the break before the move (the start of the new bytes when growing), or
     *     {@code -ENOMEM} when the memory cannot grow that far or the break would drop below its
     *     start; the break is then unchanged
     */
    long sbrk(long incrementBytes);

    /** The current break: {@code sbrk(0)}. */
    default long breakAddress() {
        return sbrk(0);
    }

    /** The break's initial position: the lowest address the source ever hands out by sbrk. */
    long heapBaseAddress();

    /** Whether {@link #mmap} and {@link #munmap} may be called. */
    boolean supportsMmap();

    /** The granule of {@link #mmap}: lengths round up to it and mapped addresses are multiples of it. */
    long mmapGranularityBytes();

    /**
     * Maps {@code lengthBytes} fresh zeroed bytes anywhere.
     *
     * @return the address (a multiple of {@link #mmapGranularityBytes()}) or {@code -ENOMEM}
     * @throws UnsupportedOperationException when the source does not {@link #supportsMmap()}
     */
    long mmap(long lengthBytes);

    /**
     * Unmaps {@code [address, address + lengthBytes)}, which a previous {@link #mmap} returned.
     *
     * @return 0 or {@code -errno}
     * @throws UnsupportedOperationException when the source does not {@link #supportsMmap()}
     */
    long munmap(long address, long lengthBytes);

    /**
     * Emscripten's {@code sbrk} over {@code memory}: the break starts at {@code heapBaseAddress}
     * and the memory grows by whole wasm pages when the break passes its size. No mmap.
     */
    static HeapSource emscriptenSbrk(LinearMemory memory, long heapBaseAddress) {
        return new EmscriptenSbrkSource(memory, heapBaseAddress);
    }

    /**
     * The brk heap and anonymous mappings of {@code space}: what the heap gives back is reusable
     * by every other user of the space. Supports mmap with the space's page as granule.
     */
    static HeapSource addressSpace(AddressSpace space) {
        return new AddressSpaceSource(space);
    }

    /**
     * Emscripten's {@code sbrk} over {@code memory}, the break starting at the memory's current
     * end (the first byte of the next wasm page), as when the heap follows the static data.
     */
    static HeapSource emscriptenSbrk(LinearMemory memory) {
        return new EmscriptenSbrkSource(memory, Math.max(memory.sizeBytes(), EmscriptenSbrkSource.MIN_HEAP_BASE));
    }
}
