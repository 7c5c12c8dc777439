package dev.linmem.space;

/**
 * A snapshot of an address space's statistics. Bytes are counted in whole map pages.
 *
 * @param mappedBytes          bytes in mappings made by the mmap family (the brk heap excluded)
 * @param heapBytes            bytes of the brk heap's pages
 * @param gapBytes             free bytes inside the current memory above the base address
 * @param largestGapBytes      the largest free range inside the current memory
 * @param mappingCount         mappings (VMAs), the brk heap included, as the map-count limit counts
 * @param memoryBytes          the linear memory's size now, which is also its high-water mark
 * @param peakMappedBytes      the most bytes ever mapped at once, brk heap included
 * @param bytesZeroed          bytes this address space cleared
 * @param bytesCopied          bytes copied by mremap moves
 * @param inPlaceGrowths       successful growths without moving (mremap grow in place, hinted mmap at a mapping's end)
 * @param movedGrowths         growths by mremap that had to move
 */
public record AddressSpaceStats(long mappedBytes, long heapBytes, long gapBytes, long largestGapBytes,
        int mappingCount, long memoryBytes, long peakMappedBytes, long bytesZeroed, long bytesCopied,
        long inPlaceGrowths, long movedGrowths) {
}
