package dev.linmem.alloc;

/**
 * A snapshot of a heap's statistics.
 *
 * @param footprintBytes     bytes the heap currently holds from its memory source
 * @param peakFootprintBytes the largest footprint so far
 * @param liveBytes          bytes requested by live allocations
 * @param liveBlocks         live allocations
 * @param freeBytes          bytes held by the heap but free
 * @param largestFreeBytes   the largest free block
 * @param trimmedBytes       bytes given back to the memory source so far (trimming, unmapping)
 * @param sizeClassCounts    live allocations per size class, index i counting usable sizes in [2^i, 2^(i+1))
 */
public record AllocatorStats(long footprintBytes, long peakFootprintBytes, long liveBytes, long liveBlocks,
                             long freeBytes, long largestFreeBytes, long trimmedBytes, long[] sizeClassCounts) {
}
