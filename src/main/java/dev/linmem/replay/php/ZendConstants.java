package dev.linmem.replay.php;

/**
 * zend_alloc's sizes (PHP 8, 64-bit, without huge pages), as documented in Zend/zend_alloc.c's
 * introduction: everything the OS layer allocates is a 2 MiB-aligned block of whole 4 KiB pages.
 */
public final class ZendConstants {

    private ZendConstants() {
    }

    /** Bytes in one chunk, which is also the alignment of every block the OS layer allocates. */
    public static final long CHUNK_BYTES = 2L * 1024 * 1024;

    /** Bytes in one OS page ({@code REAL_PAGE_SIZE}): huge blocks round up to it. */
    public static final long PAGE_BYTES = 4096;

    /** The largest "large" request; anything above it is a huge block, so no block is smaller than a chunk. */
    public static final long MAX_LARGE_BYTES = CHUNK_BYTES - PAGE_BYTES;

    /** True when {@code sizeBytes} is a size the OS layer can allocate: whole pages, at least a chunk. */
    public static boolean isBlockSize(long sizeBytes) {
        return sizeBytes >= CHUNK_BYTES && sizeBytes % PAGE_BYTES == 0;
    }

    /** True when {@code address} is aligned to a chunk. */
    public static boolean isChunkAligned(long address) {
        return (address & (CHUNK_BYTES - 1)) == 0;
    }

    /** The bytes map-and-trim maps to be sure of an aligned block of {@code sizeBytes} inside. */
    public static long oversizedMappingBytes(long sizeBytes) {
        return sizeBytes + CHUNK_BYTES - PAGE_BYTES;
    }
}
