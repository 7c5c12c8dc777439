package dev.linmem.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A memory64 heap memory: a two-level table of {@code byte[]} pages, so the page count is not
 * bounded by one Java array.
 *
 * <h2>Layout</h2>
 * <pre>
 *   page index p (long):  | chunk c = p >>> CHUNK_SHIFT | slot s = p & CHUNK_MASK |
 *
 *   directory: byte[ceil(limitPages / CHUNK_PAGES)][][]      fixed at creation
 *   chunk c:   byte[CHUNK_PAGES][]                           allocated when growth reaches it
 *   slot s:    page buffer byte[PAGE_BYTES], or null (uncommitted)
 * </pre>
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li>The directory never changes length; chunk {@code c} is non-null iff
 *       {@code c * CHUNK_PAGES < pages}; a chunk, once installed, is never replaced.</li>
 *   <li>Slots at or above {@code pages} are null.</li>
 * </ol>
 *
 * <h2>Algorithm</h2>
 * <ul>
 *   <li><b>Grow</b>: allocate the chunks the new pages need and publish them (release stores)
 *       before the size is published; existing chunks and pages stay where they are.</li>
 *   <li><b>Commit</b>: as in {@link HeapMemory32}, a compare-and-set on the chunk's slot.</li>
 * </ul>
 */
final class HeapMemory64 extends HeapLinearMemory {

    private static final VarHandle CHUNK = MethodHandles.arrayElementVarHandle(byte[][][].class);
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(byte[][].class);

    private final byte[][][] directory;

    HeapMemory64(MemoryType type, long limitPages) {
        super(type, limitPages, OFFSET_MASK, 0);
        this.directory = new byte[PageDirectory.directorySlots(limitPages)][][];
        reserveTable(0, type.initialPages());
        this.sizeBytes = type.initialPages() << PAGE_SHIFT;
    }

    @Override
    byte[] pageAt(long pageIndex) {
        byte[][] chunk = directory[(int) (pageIndex >>> PageDirectory.CHUNK_SHIFT)];
        return chunk == null ? null : chunk[(int) pageIndex & PageDirectory.CHUNK_MASK];
    }

    @Override
    byte[] committedPageAt(long pageIndex) {
        byte[][] chunk = directory[(int) (pageIndex >>> PageDirectory.CHUNK_SHIFT)];
        if (chunk != null) {
            byte[] page = chunk[(int) pageIndex & PageDirectory.CHUNK_MASK];
            if (page != null) {
                return page;
            }
        }
        return commit(pageIndex);
    }

    private byte[] commit(long pageIndex) {
        byte[][] chunk = chunkAt(pageIndex);
        int slot = (int) pageIndex & PageDirectory.CHUNK_MASK;
        byte[] fresh = new byte[PAGE_BYTES];
        byte[] witness = (byte[]) SLOT.compareAndExchange(chunk, slot, (byte[]) null, fresh);
        if (witness != null) {
            return witness;
        }
        countCommit();
        return fresh;
    }

    /** The chunk holding a page below the size, read with acquire after a volatile read of the size. */
    private byte[][] chunkAt(long pageIndex) {
        long pages = pages();
        if (pageIndex >= pages) {
            fail("page " + pageIndex + " beyond the size " + pages);
        }
        return (byte[][]) CHUNK.getAcquire(directory, (int) (pageIndex >>> PageDirectory.CHUNK_SHIFT));
    }

    /**
     * Allocates the chunks {@code [oldPages, newPages)} needs. When the host runs out of memory
     * part way, the chunks this call installed are removed again before the error propagates
     * (and {@code grow} returns -1), so the directory still matches the unchanged size.
     */
    @Override
    void reserveTable(long oldPages, long newPages) {
        int end = PageDirectory.chunksFor(newPages);
        int c = PageDirectory.firstNewChunk(oldPages);
        try {
            for (; c < end; c++) {
                if (directory[c] == null) {
                    CHUNK.setRelease(directory, c, new byte[PageDirectory.CHUNK_PAGES][]);
                }
            }
        } catch (OutOfMemoryError hostCannotSupply) {
            for (int undo = PageDirectory.chunksFor(oldPages); undo < c; undo++) {
                CHUNK.setRelease(directory, undo, null);
            }
            throw hostCannotSupply;
        }
    }

    @Override
    boolean isCommitted(long pageIndex) {
        return SLOT.getVolatile(chunkAt(pageIndex), (int) pageIndex & PageDirectory.CHUNK_MASK) != null;
    }

    @Override
    boolean releasePage(long pageIndex) {
        return SLOT.getAndSet(chunkAt(pageIndex), (int) pageIndex & PageDirectory.CHUNK_MASK, (byte[]) null) != null;
    }

    @Override
    boolean inLowSlab(long pageIndex) {
        return false;
    }

    @Override
    long countCommittedSlots() {
        long committed = 0;
        for (byte[][] chunk : directory) {
            if (chunk != null) {
                for (byte[] page : chunk) {
                    if (page != null) {
                        committed++;
                    }
                }
            }
        }
        return committed;
    }

    @Override
    void checkTable(long pages) {
        check(directory.length == PageDirectory.directorySlots(limitPages), "directory length changed");
        for (int c = 0; c < directory.length; c++) {
            byte[][] chunk = directory[c];
            long firstPage = (long) c << PageDirectory.CHUNK_SHIFT;
            check((chunk != null) == (firstPage < pages), "chunk " + c + " presence wrong for " + pages + " pages");
            if (chunk == null) {
                continue;
            }
            check(chunk.length == PageDirectory.CHUNK_PAGES, "chunk " + c + " has " + chunk.length + " slots");
            for (int s = 0; s < chunk.length; s++) {
                byte[] page = chunk[s];
                if (page != null && (firstPage + s >= pages || page.length != PAGE_BYTES)) {
                    fail("bad page buffer at page " + (firstPage + s));
                }
            }
        }
    }
}
