package dev.linmem.space;

import dev.linmem.memory.LinearMemory;

/**
 * The mmap family over a linear memory: the one interface that callers (a runtime's host
 * functions, the replayer) see, whatever behaviour sits behind it.
 *
 * <p>Two behaviours implement it: {@code LINUX} ({@link AddressSpace}: Linux's semantics for
 * anonymous private mappings, page-granular) and {@code EMSCRIPTEN} (Emscripten's emulation over
 * malloc, in package {@code dev.linmem.emscripten}).
 *
 * <p>Results follow the Linux system call: a non-negative address (or 0 for success) or
 * {@code -errno}; decode with {@link Errno#of(long)}. POSIX-defined failures are results, never
 * exceptions. A failed call changes nothing. Flag and protection bits are Linux's
 * ({@link Mman}). Addresses are byte addresses in the linear memory.
 */
public interface MemoryMapper {

    /** The memory the mappings live in. */
    LinearMemory memory();

    /** The granule in bytes: lengths round up to it and addresses must be multiples of it. */
    long pageSizeBytes();

    /**
     * {@code mmap(addr, length, prot, flags, fd, offset)} for anonymous memory. File mappings
     * ({@code fd != -1} without {@code MAP_ANONYMOUS}) are not supported and fail with ENODEV.
     *
     * @return the mapping's address, or {@code -errno}
     */
    long mmap(long addr, long length, int prot, int flags, int fd, long offset);

    /** {@code mmap(addr, length, prot, flags, -1, 0)}. */
    default long mmap(long addr, long length, int prot, int flags) {
        return mmap(addr, length, prot, flags, -1, 0);
    }

    /** {@code munmap(addr, length)}: 0 or {@code -errno}. */
    long munmap(long addr, long length);

    /** {@code mremap(old, oldLength, newLength, flags, newAddr)}: the new address or {@code -errno}. */
    long mremap(long oldAddr, long oldLength, long newLength, int flags, long newAddr);

    /** {@code mprotect(addr, length, prot)}: 0 or {@code -errno}. */
    long mprotect(long addr, long length, int prot);

    /** {@code madvise(addr, length, advice)}: 0 or {@code -errno}. */
    long madvise(long addr, long length, int advice);

    /** Checks every structural invariant; throws {@link IllegalStateException} naming the first broken one. */
    void checkInvariants();
}
