package dev.linmem.alloc;

import dev.linmem.memory.LinearMemory;
import dev.linmem.space.AddressSpace;
import dev.linmem.space.Errno;
import dev.linmem.space.Mman;

/**
 * A heap's memory from an {@link AddressSpace}: the space's brk heap for sbrk, and anonymous
 * private read-write mappings for direct-mapped chunks and extra segments. What the heap gives
 * back (a negative sbrk, an munmap) becomes reusable by every other user of the space.
 *
 * <p>Algorithm: each call is the space's own system call. The only failure the allocator layer
 * may see is ENOMEM; any other error from the space means a broken invariant in this layer or
 * the one below and is thrown as {@link IllegalStateException} (semantics.md (b) 24).
 *
 * <p>References: Linux's {@code brk(2)} and {@code mmap(2)}; dlmalloc's MORECORE and
 * DIRECT_MMAP hooks.
 */
final class AddressSpaceSource implements HeapSource {

    private final AddressSpace space;

    AddressSpaceSource(AddressSpace space) {
        if (space == null) {
            throw new IllegalArgumentException("space must not be null");
        }
        this.space = space;
    }

    @Override
    public LinearMemory memory() {
        return space.memory();
    }

    @Override
    public long sbrk(long incrementBytes) {
        return onlyEnomem("sbrk", space.sbrk(incrementBytes));
    }

    @Override
    public long breakAddress() {
        return space.currentBreak();
    }

    @Override
    public long heapBaseAddress() {
        return space.heapStartAddress();
    }

    @Override
    public boolean supportsMmap() {
        return true;
    }

    @Override
    public long mmapGranularityBytes() {
        return space.pageSizeBytes();
    }

    @Override
    public long mmap(long lengthBytes) {
        return onlyEnomem("mmap", space.mmap(0, lengthBytes, Mman.PROT_READ | Mman.PROT_WRITE,
                Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS));
    }

    @Override
    public long munmap(long address, long lengthBytes) {
        long rc = space.munmap(address, lengthBytes);
        if (Errno.isError(rc)) {
            throw new IllegalStateException("internal: munmap(0x" + Long.toHexString(address) + ", " + lengthBytes
                    + ") of heap memory failed with " + Errno.of(rc));
        }
        return rc;
    }

    private static long onlyEnomem(String call, long result) {
        if (Errno.isError(result) && result != Errno.ENOMEM.result()) {
            throw new IllegalStateException("internal: " + call + " failed with " + Errno.of(result)
                    + "; the allocator layer expects only ENOMEM");
        }
        return result;
    }

    @Override
    public String toString() {
        return "address-space(brk 0x" + Long.toHexString(space.currentBreak()) + ")";
    }
}
