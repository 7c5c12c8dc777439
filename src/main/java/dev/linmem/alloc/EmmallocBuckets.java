package dev.linmem.alloc;

/**
 * Emmalloc's 64 free-list buckets: which bucket a size belongs to.
 *
 * <p>The mapping is emmalloc's: fine steps for small sizes, coarser steps as sizes grow, and one
 * open-ended bucket for everything huge. Sizes are region sizes (free regions are filed by
 * their whole size) or payload sizes (a search starts at the bucket of the requested payload).
 * <pre>
 *   size range (bytes)            buckets   step
 *   [8, 128)                      0 .. 14   8 bytes: bucket = size / 8 - 1
 *   [128, 4 KiB)                  14 .. 33  four buckets per power of two
 *   [4 KiB, 2^27)                 33 .. 62  two buckets per power of two
 *   [2^27 + 2^26, infinity)       63        everything larger
 * </pre>
 * Neighbouring ranges share their edge bucket (bucket 14 holds [120, 160); bucket 33 holds
 * [3584, 6144)), exactly as in emmalloc, so a region search visits the same buckets in the same
 * order as Emscripten's allocator. The mapping is monotone: a larger size never maps to a
 * smaller bucket.
 */
final class EmmallocBuckets {

    /** Number of free-list buckets, one bit each in the 64-bit availability mask. */
    static final int BUCKET_COUNT = 64;

    /** Below this size buckets are 8 bytes apart. */
    private static final long LINEAR_LIMIT_BYTES = 128;

    /** From this power of two (4 KiB) on, each power of two has two buckets instead of four. */
    private static final int COARSE_FROM_LOG2 = 12;

    private EmmallocBuckets() {
    }

    /** The bucket of {@code sizeBytes} (sizes below 16 map to bucket 0, negative sizes are huge). */
    static int bucketOf(long sizeBytes) {
        if (sizeBytes < 0) {
            return BUCKET_COUNT - 1;
        }
        if (sizeBytes < LINEAR_LIMIT_BYTES) {
            return (int) Math.max(0, (sizeBytes >>> 3) - 1);
        }
        int log2 = 63 - Long.numberOfLeadingZeros(sizeBytes);
        if (log2 < COARSE_FROM_LOG2) {
            int quarter = (int) ((sizeBytes >>> (log2 - 2)) & 3);
            return 4 * log2 - 14 + quarter;
        }
        int half = (int) ((sizeBytes >>> (log2 - 1)) & 1);
        return Math.min(BUCKET_COUNT - 1, 2 * log2 + 9 + half);
    }

    /** The smallest size in bucket {@code bucket}. */
    static long lowestSizeOf(int bucket) {
        if (bucket < 0 || bucket >= BUCKET_COUNT) {
            throw new IllegalArgumentException("bucket " + bucket + " is outside [0, " + BUCKET_COUNT + ")");
        }
        long low = 0;
        long high = Long.MAX_VALUE;
        while (low < high) { // the mapping is monotone: binary search for the first size in the bucket
            long mid = low + (high - low) / 2;
            if (bucketOf(mid) < bucket) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
