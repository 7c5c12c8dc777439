package dev.linmem.memory;

import static dev.linmem.memory.LinearMemory.PAGE_BYTES;
import static dev.linmem.memory.LinearMemory.PAGE_SHIFT;

import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * The slabs behind a wasm32 page table ({@link HeapMemory32}, {@link DirectMemory32}): host
 * buffers of several consecutive wasm pages, so that a memory of N pages touches N / slabPages
 * buffers instead of N.
 *
 * <h2>Why</h2>
 * Every access reads the buffer's own header (a {@code byte[]}'s length, a direct buffer's
 * address and limit) for the bounds check of its view handle. With one buffer per 64 KiB page
 * those headers lie 64 KiB apart, so a random access over a large memory misses the cache and the
 * TLB twice (header, then data) where a single {@code ByteBuffer} misses once: that made random
 * reads over 64 MiB cost twice the plain buffer's. A slab of 64 pages puts 64 pages behind one
 * header, and the few headers stay cached.
 *
 * <h2>Layout</h2>
 * <pre>
 *   page table: [ L  ][ L  ][ L  ][ L  ][null][null][ S2 ][null] ...  one slot per wasm page
 *                 \_____\_____\_____\                  |
 *   slabs:      [ L  ][null][ S2 ][null] ...             one slot per slabPages pages
 *   slab s:     pages s * slabPages .. (s + 1) * slabPages - 1, in address order;
 *               page p at byte (p & (slabPages - 1)) * PAGE_BYTES, so the byte of address a
 *               is at (int) a & (slabBytes - 1)
 *   low slab L: slab 0, pages 0 .. lowPages - 1 (here 4 pages, two slabs' worth with
 *               slabPages = 2); page p at byte p * PAGE_BYTES, the byte of address a at
 *               (int) a; the slab slots it spans after slot 0 stay null
 * </pre>
 * A page's table slot holds its slab once the page is committed and {@code null} before; a page
 * is committed (counted in the statistics, read from its slab) only through its own slot, so
 * commit stays per wasm page even though the host allocates per slab.
 *
 * <h2>The low slab</h2>
 * Slab 0, the <em>low slab</em>, holds the addresses where a wasm program keeps its stack and
 * static data, which it writes from its first instruction, and its heap's start. It spans the
 * memory's initial size in whole slabs, capped ({@link #lowSlabPagesFor}), so it may be several
 * slabs long. The memory commits it as a whole ({@link #commitLowSlab}) on the first write into
 * any of its pages, so that an unshared memory can keep it in a field and reach every address
 * below its end without the page table (the memory's fast path); its slots still hold it, so
 * every other path works unchanged.
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li>A non-null table slot {@code p} holds {@code slabs[slabOf(p)]}.</li>
 *   <li>{@code slabs[s]} is non-null iff some page of slab {@code s} is committed; its length is
 *       {@link #slabBytes(int)}. Slab slots inside the low slab other than 0 are null.</li>
 *   <li>Page p's dirty bit (bit {@code p & (slabPages - 1)} of {@code dirtyPages[p >>> slabShift]})
 *       is set only when p is uncommitted and its slab live; an uncommitted page of a live slab
 *       whose bit is clear holds zeros.</li>
 *   <li>{@code committedPages[s]} is the number of committed pages of slab {@code s}.</li>
 * </ol>
 *
 * <h2>Algorithm</h2>
 * All of these run under the memory's table lock, except allocating a slab; only the table slot
 * is read without it.
 * <ol>
 *   <li><b>Commit</b> page p: if its slot is set, return it (another thread won). Else take slab
 *       s = slabOf(p); if it is null, leave the lock, allocate a zeroed slab, retake the
 *       lock and start again, installing the new slab if s is still missing (else dropping it);
 *       if the page's dirty bit is set, zero its 64 KiB and clear the bit; then publish the slab
 *       in the page's slot with a release store, so a reader that sees the slot sees the
 *       zeros.</li>
 *   <li><b>Release</b> page p (discard, or a zero fill of a whole page): null its slot; if no
 *       other page of the slab is committed, drop the slab (its memory goes back to the host) and
 *       its dirty bits, else set the page's dirty bit (its bytes stay until it is committed
 *       again, which costs the same 64 KiB clear as allocating a fresh page). A thread racing a
 *       release may still write into the old bytes: the write is then ordered before the release,
 *       or after it and before the next commit, both of which wasm allows for racing plain
 *       accesses.</li>
 *   <li><b>Grow</b> (unshared): when the page table doubles, the slab array and the dirty bits
 *       grow with it (references only).</li>
 * </ol>
 *
 * @param <B> the buffer type: {@code byte[]} or a direct {@code ByteBuffer}
 */
final class Slabs<B> {

    /** Most wasm pages in one slab: 64 pages = 4 MiB, the largest host allocation one first write above the low slab may cause. */
    static final int MAX_SLAB_SHIFT = 6;

    /** Default of the most pages of the low slab: 1,024 pages = 64 MiB ({@link #lowSlabPagesFor}). */
    static final int DEFAULT_LOW_SLAB_MAX_PAGES = 1024;

    /** The most pages any low slab may have: one Java array or buffer holds less than 2 GiB. */
    static final int LOW_SLAB_PAGE_LIMIT = Integer.MAX_VALUE >> PAGE_SHIFT;

    /** Zeroes {@code lengthBytes} of a buffer from {@code offset}. */
    interface Clear<B> {
        void clear(B buffer, int offset, int lengthBytes);
    }

    /** Whether the page of a buffer that starts at {@code offset} holds only zeros (for {@link #check}). */
    interface ZeroPage<B> {
        boolean isZero(B buffer, int offset);
    }

    /** log2 of the wasm pages per slab. */
    final int slabShift;

    /** Pages of the low slab (slab 0): a whole number of slabs, at least one. */
    final int lowPages;

    private final long limitPages;
    private final IntFunction<B> allocate;
    private final Clear<B> clear;
    /** Slot s holds slab s; slots 1 to lowPages / slabPages - 1 lie inside the low slab and stay null. */
    private B[] slabs;
    /** Bit {@code p & (slabPages - 1)} of word {@code p >>> slabShift} is page p's dirty bit. */
    private long[] dirtyPages;
    /** Slot s: how many pages of slab s are committed, so a release knows in O(1) whether it was the last. */
    private int[] committedPages;

    /**
     * @param emptySlabs an empty array of the buffer type, sized for {@code tableSlots} pages
     * @param allocate   returns a zeroed buffer of the given number of bytes
     */
    Slabs(int slabShift, int lowPages, long limitPages, int tableSlots, B[] emptySlabs, IntFunction<B> allocate, Clear<B> clear) {
        this.slabShift = slabShift;
        this.lowPages = lowPages;
        this.limitPages = limitPages;
        this.allocate = allocate;
        this.clear = clear;
        this.slabs = Arrays.copyOf(emptySlabs, slabsFor(tableSlots));
        this.dirtyPages = new long[slabs.length];
        this.committedPages = new int[slabs.length];
    }

    /**
     * The slab size for a memory of this type: the largest power of two of pages not above
     * {@code initialPages}, between 1 and 2^{@link #MAX_SLAB_SHIFT}. So a slab fits in the
     * initial size (and the low slab, at least one slab, lies within it), and a first write
     * above the low slab allocates at most 4 MiB.
     */
    static int slabShiftFor(MemoryType type) {
        long pages = Math.max(1, type.initialPages());
        return Math.min(MAX_SLAB_SHIFT, 63 - Long.numberOfLeadingZeros(pages));
    }

    /**
     * The pages of the low slab of a memory of this type: its initial size rounded down to whole
     * slabs of {@code 2^slabShift} pages, at most {@code maxPages} (rounded down the same way),
     * and at least one slab. So the low slab lies within the initial size whenever the initial
     * size is at least one slab (which {@link #slabShiftFor} ensures), and the first write into
     * it allocates at most {@code maxPages} pages or one slab, whichever is more.
     */
    static int lowSlabPagesFor(MemoryType type, int slabShift, int maxPages) {
        long wanted = Math.min(type.initialPages(), maxPages);
        long whole = wanted >>> slabShift << slabShift;
        return (int) Math.max(1L << slabShift, whole);
    }

    int slabPages() {
        return 1 << slabShift;
    }

    /** Mask of an address's byte offset inside a slab of {@code 2^slabShift} pages. */
    static int offsetMask(int slabShift) {
        return (PAGE_BYTES << slabShift) - 1;
    }

    private int slabsFor(int pages) {
        return (int) (((long) pages + slabPages() - 1) >>> slabShift);
    }

    /** The slab holding page {@code page}: 0 in the low slab, else {@code page >>> slabShift}. */
    int slabOf(int page) {
        return page < lowPages ? 0 : page >>> slabShift;
    }

    /** Pages slab {@code s} spans: {@code lowPages} for the low slab, else {@code slabPages}, before any cut by the limit. */
    private int spanPages(int s) {
        return s == 0 ? lowPages : slabPages();
    }

    /** Bytes of slab {@code s}: the pages it spans, fewer for a last slab cut by the limit. */
    int slabBytes(int s) {
        long firstPage = (long) s << slabShift;
        return (int) (Math.min(spanPages(s), limitPages - firstPage) << PAGE_SHIFT);
    }

    /** The byte where page {@code page} starts inside its slab. */
    private int pageOffset(int page) {
        return (page < lowPages ? page : page & (slabPages() - 1)) << PAGE_SHIFT;
    }

    private long dirtyBit(int page) {
        return 1L << (page & (slabPages() - 1));
    }

    /** Makes room for a page table of {@code tableSlots} slots (never shrinks). */
    void reserve(int tableSlots) {
        int needed = slabsFor(tableSlots);
        if (needed > slabs.length) {
            slabs = Arrays.copyOf(slabs, needed);
            dirtyPages = Arrays.copyOf(dirtyPages, needed);
            committedPages = Arrays.copyOf(committedPages, needed);
        }
    }

    /**
     * Commits {@code page} (step 1 of the Algorithm); returns the slab now in its slot, which may
     * have been installed by another thread. Takes {@code lock} (the table lock) itself and
     * allocates a missing slab outside it, so first writes to different slabs allocate in
     * parallel; {@code table} gives the current table, which growth may replace meanwhile.
     */
    B commit(Object lock, Supplier<B[]> table, int page, Runnable countCommit) {
        B fresh = null;
        while (true) {
            int missingBytes;
            synchronized (lock) {
                B[] slots = table.get();
                B installed = slots[page];
                if (installed != null) {
                    return installed;
                }
                int s = slabOf(page);
                B slab = slabs[s];
                if (slab == null && fresh != null) {
                    slab = fresh;
                    slabs[s] = slab;
                }
                if (slab != null) {
                    clearIfReleased(slab, page);
                    VarHandle.releaseFence();
                    slots[page] = slab;
                    committedPages[s]++;
                    countCommit.run();
                    return slab;
                }
                missingBytes = slabBytes(s);
            }
            fresh = allocate.apply(missingBytes);
        }
    }

    /**
     * Commits every page of the low slab (slab 0) below {@code sizePages} (step 1 for each),
     * {@code page} last, and returns the slab in {@code page}'s slot: a {@code discard} racing
     * these commits may drop the slab that the other pages got, and a write must go where its
     * own page's slot points.
     */
    B commitLowSlab(Object lock, Supplier<B[]> table, int page, long sizePages, Runnable countCommit) {
        int pages = (int) Math.min(lowPages, sizePages);
        for (int p = 0; p < pages; p++) {
            if (p != page) {
                commit(lock, table, p, countCommit);
            }
        }
        return commit(lock, table, page, countCommit);
    }

    /** Commits {@code page}: the whole low slab when the page is in it ({@link #commitLowSlab}), else step 1. */
    B commitPage(Object lock, Supplier<B[]> table, int page, long sizePages, Runnable countCommit) {
        return inLowSlab(page) ? commitLowSlab(lock, table, page, sizePages, countCommit)
                : commit(lock, table, page, countCommit);
    }

    /** Whether the page lies in the low slab. */
    boolean inLowSlab(long page) {
        return page < lowPages;
    }

    /**
     * Whether {@link #commitPage} of {@code page} in a memory of {@code sizePages} committed the
     * whole low slab (when no other thread releases pages meanwhile, as in an unshared memory).
     */
    boolean committedWholeLowSlab(long page, long sizePages) {
        return inLowSlab(page) && sizePages >= lowPages;
    }

    /** Checks that {@code low}, the low slab a memory keeps in a field, is slab 0 with every page committed below {@code pages}. */
    void checkLowSlab(B[] table, B low, long pages) {
        for (int p = 0; p < lowPages; p++) {
            AbstractLinearMemory.check(p < pages && table[p] == low,
                    "the low slab in the field, but page " + p + " is not committed in it");
        }
    }

    /** Zeroes the page's bytes in its live slab if it was released since the slab was allocated. */
    private void clearIfReleased(B slab, int page) {
        int word = page >>> slabShift;
        long bit = dirtyBit(page);
        if ((dirtyPages[word] & bit) != 0) {
            clear.clear(slab, pageOffset(page), PAGE_BYTES);
            dirtyPages[word] &= ~bit;
        }
    }

    /** Releases {@code page} (step 2 of the Algorithm); returns whether it was committed. Call under the table lock. */
    boolean release(B[] table, int page) {
        if (table[page] == null) {
            return false;
        }
        table[page] = null;
        int s = slabOf(page);
        if (--committedPages[s] > 0) {
            dirtyPages[page >>> slabShift] |= dirtyBit(page);
            return true;
        }
        slabs[s] = null;
        Arrays.fill(dirtyPages, s, Math.min(s + (spanPages(s) >>> slabShift), dirtyPages.length), 0L);
        return true;
    }

    /**
     * Checks the Invariants against {@code table} (for {@code checkInvariants}), reading every
     * clean uncommitted page of a live slab, and that {@code memoryLowSlabBytes}, the low slab's
     * end the memory keeps for {@link AbstractLinearMemory#offsetIn}, agrees; {@code length}
     * gives a buffer's bytes.
     */
    void check(B[] table, long memoryLowSlabBytes, ToIntFunction<B> length, ZeroPage<B> zeroPage) {
        AbstractLinearMemory.check(memoryLowSlabBytes == (long) lowPages << PAGE_SHIFT,
                "the memory's low slab end " + memoryLowSlabBytes + " disagrees with " + lowPages + " low pages");
        AbstractLinearMemory.check(slabs.length == slabsFor(table.length) && dirtyPages.length == slabs.length
                        && committedPages.length == slabs.length,
                "slab slots " + slabs.length + ", dirty words " + dirtyPages.length + " or counts "
                        + committedPages.length + " do not match table slots " + table.length);
        AbstractLinearMemory.check(lowPages >= slabPages() && lowPages % slabPages() == 0 && lowPages <= LOW_SLAB_PAGE_LIMIT,
                "low slab of " + lowPages + " pages is not a whole number of " + slabPages() + "-page slabs");
        Set<B> live = Collections.newSetFromMap(new IdentityHashMap<>());
        int lowSlots = lowPages >>> slabShift;
        for (int s = 0; s < slabs.length; s++) {
            if (s > 0 && s < lowSlots) {
                AbstractLinearMemory.check(slabs[s] == null, "slab slot " + s + " inside the low slab is set");
                continue;
            }
            int first = s << slabShift;
            int end = Math.min(first + spanPages(s), table.length);
            int committed = 0;
            boolean anyDirty = false;
            for (int p = first; p < end; p++) {
                boolean dirty = (dirtyPages[p >>> slabShift] & dirtyBit(p)) != 0;
                anyDirty |= dirty;
                if (table[p] != null) {
                    committed++;
                    AbstractLinearMemory.check(table[p] == slabs[s], "page " + p + " is not in its slab " + s);
                    AbstractLinearMemory.check(!dirty, "committed page " + p + " is marked dirty");
                } else if (slabs[s] != null && !dirty) {
                    AbstractLinearMemory.check(zeroPage.isZero(slabs[s], pageOffset(p)),
                            "uncommitted page " + p + " of live slab " + s + " is not dirty but holds bytes");
                }
            }
            AbstractLinearMemory.check(committed == committedPages[s], "slab " + s + " counts " + committedPages[s]
                    + " committed pages, the table " + committed);
            AbstractLinearMemory.check((committed > 0) == (slabs[s] != null), "slab " + s + " live without committed pages or missing");
            AbstractLinearMemory.check(slabs[s] == null || live.add(slabs[s]), "slab " + s + " shares its buffer with another slab");
            AbstractLinearMemory.check(slabs[s] != null || !anyDirty, "dropped slab " + s + " has dirty bits");
            AbstractLinearMemory.check(slabs[s] == null || length.applyAsInt(slabs[s]) == slabBytes(s),
                    "slab " + s + " has the wrong length");
        }
    }
}
