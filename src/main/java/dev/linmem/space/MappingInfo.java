package dev.linmem.space;

/**
 * One line of an address space's {@code /proc/self/maps}-like listing.
 *
 * @param startAddress first byte address (inclusive)
 * @param endAddress   end byte address (exclusive)
 * @param prot         protection bits ({@link Mman#PROT_READ} ...)
 * @param id           identity of the creating call; 0 for the brk heap
 */
public record MappingInfo(long startAddress, long endAddress, int prot, long id) {

    /** {@code endAddress - startAddress}. */
    public long sizeBytes() {
        return endAddress - startAddress;
    }

    /** True for the brk heap's mapping. */
    public boolean isHeap() {
        return id == Mapping.HEAP_ID;
    }

    /** The line in {@code /proc/self/maps} form: {@code 00010000-00020000 rw-p 65536 [anon:7]}. */
    @Override
    public String toString() {
        return String.format("%08x-%08x %c%c%cp %d %s", startAddress, endAddress,
                (prot & Mman.PROT_READ) != 0 ? 'r' : '-',
                (prot & Mman.PROT_WRITE) != 0 ? 'w' : '-',
                (prot & Mman.PROT_EXEC) != 0 ? 'x' : '-',
                sizeBytes(), isHeap() ? "[heap]" : "[anon:" + id + "]");
    }
}
