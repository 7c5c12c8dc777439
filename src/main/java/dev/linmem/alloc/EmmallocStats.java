package dev.linmem.alloc;

/**
 * Emmalloc's own statistics, beside {@link AllocatorStats}: what Emscripten's
 * {@code emmalloc_dynamic_heap_size}, {@code emmalloc_free_dynamic_memory} and the per-bucket
 * free-memory map report. Sizes are whole region sizes, size fields included.
 *
 * @param dynamicHeapSizeBytes bytes of all areas obtained by sbrk, root regions and sentinels included
 *                             (the bucket table, which Emscripten keeps in static data, is not)
 * @param freeBytes            bytes in free regions
 * @param freeRegions          free regions
 * @param freeBytesByBucket    bytes in free regions per bucket (64 entries)
 * @param freeRegionsByBucket  free regions per bucket (64 entries)
 * @param rootRegions          root regions: areas the heap is made of (one per non-contiguous sbrk)
 * @param bucketTableBytes     bytes of the bucket table and mask taken from the source at the start
 */
public record EmmallocStats(long dynamicHeapSizeBytes, long freeBytes, long freeRegions, long[] freeBytesByBucket,
                            long[] freeRegionsByBucket, long rootRegions, long bucketTableBytes) {
}
