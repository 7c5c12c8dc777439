package dev.linmem.emscripten;

/**
 * A snapshot of an {@link EmscriptenMmap}'s statistics, named like the address space's where
 * they mean the same. Lengths are the callers' exact lengths: Emscripten does not round them.
 *
 * @param mappedBytes        bytes in live mappings
 * @param mappingCount       live mappings, zero-length ones included
 * @param peakMappedBytes    the most bytes ever mapped at once
 * @param heapBlockBytes     usable bytes of the malloc blocks holding the live mappings (mapping, node, slack)
 * @param bookkeepingBytes   bytes of the {@code struct map} nodes at the ends of the live mappings
 * @param bytesZeroed        bytes cleared by mmap: every byte of every mapping, as Emscripten clears them all
 * @param refusedUnmaps      munmap calls answered with EINVAL (a partial, unknown or zero-length unmap)
 * @param leakedBytes        bytes of live mappings that some refused munmap named: released by the caller, kept by Emscripten
 * @param unmappableMappings live zero-length mappings, which no munmap can ever release
 * @param failedMmaps        mmap calls that failed with ENOMEM because malloc did
 * @param memoryBytes        the linear memory's size now, which is also its high-water mark
 */
public record EmscriptenMmapStats(long mappedBytes, int mappingCount, long peakMappedBytes, long heapBlockBytes,
        long bookkeepingBytes, long bytesZeroed, long refusedUnmaps, long leakedBytes, int unmappableMappings,
        long failedMmaps, long memoryBytes) {
}
