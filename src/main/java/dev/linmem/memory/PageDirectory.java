package dev.linmem.memory;

/**
 * Geometry of the two-level page table of memory64 memories ({@link HeapMemory64},
 * {@link DirectMemory64}): a fixed directory of chunks, each a table of
 * {@link #CHUNK_PAGES} page slots.
 */
final class PageDirectory {

    /** log2 of the wasm pages one chunk covers: 2^14 pages = 1 GiB of address space per chunk. */
    static final int CHUNK_SHIFT = 14;

    /** Wasm pages per chunk. */
    static final int CHUNK_PAGES = 1 << CHUNK_SHIFT;

    /** Mask of the slot-in-chunk bits of a page index. */
    static final int CHUNK_MASK = CHUNK_PAGES - 1;

    /**
     * Most directory slots a memory may have: 2^24 chunks = 2^38 wasm pages (16 PiB). The
     * directory is allocated whole at creation, so this bounds its cost at 64 MiB.
     */
    static final int MAX_DIRECTORY_SLOTS = 1 << 24;

    /** Largest limit, in wasm pages, a two-level table can cover. */
    static final long MAX_LIMIT_PAGES = (long) MAX_DIRECTORY_SLOTS << CHUNK_SHIFT;

    private PageDirectory() {
    }

    /** Chunks needed to cover {@code pages} pages. */
    static int chunksFor(long pages) {
        return (int) ((pages + CHUNK_PAGES - 1) >>> CHUNK_SHIFT);
    }

    /** The first chunk that growing from {@code oldPages} may need to allocate. */
    static int firstNewChunk(long oldPages) {
        return (int) (oldPages >>> CHUNK_SHIFT);
    }

    /** Directory length for a memory limited to {@code limitPages}. */
    static int directorySlots(long limitPages) {
        if (limitPages > MAX_LIMIT_PAGES) {
            throw new IllegalArgumentException("limit of " + limitPages
                    + " wasm pages exceeds what the page directory covers (" + MAX_LIMIT_PAGES + ")");
        }
        return chunksFor(limitPages);
    }
}
