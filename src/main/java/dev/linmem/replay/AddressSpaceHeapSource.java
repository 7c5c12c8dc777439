package dev.linmem.replay;

import dev.linmem.alloc.HeapSource;
import dev.linmem.memory.LinearMemory;
import dev.linmem.space.AddressSpace;
import dev.linmem.space.Errno;
import dev.linmem.space.Mman;

/**
 * A heap's memory from an {@link AddressSpace}: its brk heap for sbrk and anonymous mappings
 * for large chunks, so what the heap gives back is reusable by every other user of the space
 * (the recording's own mmap calls in a mixed trace).
 */
final class AddressSpaceHeapSource implements HeapSource {

    private final AddressSpace space;

    AddressSpaceHeapSource(AddressSpace space) {
        this.space = space;
    }

    @Override
    public LinearMemory memory() {
        return space.memory();
    }

    @Override
    public long sbrk(long incrementBytes) {
        return space.sbrk(incrementBytes);
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
        long r = space.mmap(0, lengthBytes, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
        return Errno.isError(r) ? Errno.ENOMEM.result() : r;
    }

    @Override
    public long munmap(long address, long lengthBytes) {
        return space.munmap(address, lengthBytes);
    }
}
