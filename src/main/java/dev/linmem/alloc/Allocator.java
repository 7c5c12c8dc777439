package dev.linmem.alloc;

import dev.linmem.memory.LinearMemory;
import dev.linmem.space.Errno;

/**
 * The C malloc family over a linear memory, with its metadata (headers, footers, free-list
 * links, bins) stored in that memory as in C.
 *
 * <p>Pointers are byte addresses in {@link #memory()}; 0 is NULL. Sizes are unsigned in C; here a
 * negative {@code long} size is treated as a size too large to satisfy (ENOMEM), never as an
 * index. A failing call returns NULL (or an error number) and sets the calling thread's
 * {@link #errno()}, as C's {@code errno} is per thread; a successful call leaves it unchanged.
 *
 * <p>Undefined behaviour in C (double free, a pointer never returned, a corrupted header) throws
 * a {@link HeapException} before any state changes: the heap stays valid and every other block
 * keeps its contents. Implementations are thread-safe.
 */
public interface Allocator {

    /** The C null pointer. */
    long NULL = 0;

    /** The memory the heap lives in. */
    LinearMemory memory();

    /** {@code malloc(size)}: a block of at least {@code size} bytes, or NULL with ENOMEM. */
    long malloc(long size);

    /** {@code free(ptr)}; {@code free(NULL)} does nothing. */
    void free(long ptr);

    /** {@code calloc(count, size)}: zeroed; NULL with ENOMEM when {@code count * size} overflows. */
    long calloc(long count, long size);

    /**
     * {@code realloc(ptr, size)}: contents preserved up to the smaller size, in place when
     * possible. On failure NULL with ENOMEM and the old block unchanged. {@code realloc(p, 0)}
     * follows the allocator's {@link ReallocZeroPolicy}.
     */
    long realloc(long ptr, long size);

    /** {@code reallocarray(ptr, count, size)}: realloc with an overflow-checked product. */
    long reallocarray(long ptr, long count, long size);

    /**
     * {@code posix_memalign}: returns 0 and stores the block in {@code result[0]}, or returns
     * EINVAL's or ENOMEM's number and leaves {@code result[0]} unchanged. As POSIX specifies, the
     * error is the result only: errno is not set (an Emscripten-faithful mode may differ).
     */
    int posixMemalign(long[] result, long alignmentBytes, long size);

    /** {@code aligned_alloc(alignment, size)}, or NULL with an errno. */
    long alignedAlloc(long alignmentBytes, long size);

    /** {@code memalign(alignment, size)}, or NULL with an errno. */
    long memalign(long alignmentBytes, long size);

    /** {@code malloc_usable_size(ptr)}: at least the requested size; 0 for NULL. */
    long usableSize(long ptr);

    /** The calling thread's errno: the error of its last failed call, or null if none has failed. */
    Errno errno();

    /** A snapshot of the heap's statistics. */
    AllocatorStats stats();

    /** The live allocations, in address order: the leak report. */
    java.util.List<LiveBlock> liveBlocks();

    /** Walks the whole heap and throws {@link HeapCorruptionException} at the first broken invariant. */
    void checkInvariants();
}
