package dev.linmem.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * A wasm32 heap memory: a one-level table of wasm pages, each held in a {@code byte[]} slab of
 * one or more consecutive pages ({@link Slabs}).
 *
 * <h2>Layout</h2>
 * <pre>
 *   table: byte[capacity][]      capacity <= limitPages <= 65,536
 *          slot p = the slab holding page p (byte (int) a & (slabBytes - 1) is address a,
 *                   byte (int) a in the low slab),
 *                   or null (uncommitted, reads zero)
 * </pre>
 * With one-page slabs (memories created with one page or none) slot p is page p's own
 * {@code byte[PAGE_BYTES]}. The low slab (slab 0) is also in {@link #low} while every page of it
 * is committed and the memory is unshared.
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li>{@code pages <= table.length <= limitPages}; slots at or above {@code pages} are null.</li>
 *   <li>A shared memory's table has {@code limitPages} slots from birth and is never replaced, so
 *       no thread can ever hold a stale table.</li>
 *   <li>The slabs' own invariants ({@link Slabs}).</li>
 *   <li>{@code low} is {@code NO_LOW}, or the memory is unshared and {@code low} is the low slab
 *       with every one of its pages committed (so below the size).</li>
 * </ol>
 *
 * <h2>Algorithm</h2>
 * <ul>
 *   <li><b>Grow</b> (unshared): when the table is too small, copy its slots (references, never
 *       page contents) into one at least twice as large.</li>
 *   <li><b>Commit</b>: {@link Slabs#commit}, under the table lock except for allocating a new
 *       slab: the page's slot gets its slab (allocated zeroed if it is the slab's first page); a
 *       racing writer finds the slot set and uses it, so no write is ever lost. A page of the
 *       low slab commits every page of it ({@link Slabs#commitLowSlab}) once the whole slab lies
 *       below the size, and an unshared memory then sets {@code low}.</li>
 *   <li><b>Release</b>: under the table lock, {@link Slabs#release}; releasing a low page resets
 *       {@code low}.</li>
 * </ul>
 */
final class HeapMemory32 extends HeapLinearMemory {

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(byte[][].class);

    /** One slot per wasm page; replaced only when an unshared memory outgrows it. */
    private byte[][] table;

    /** The slabs behind the table; guarded by the table lock. */
    private final Slabs<byte[]> slabs;

    /**
     * @param slabShift log2 of the wasm pages per slab ({@link Slabs#slabShiftFor} unless a test picks one)
     * @param lowPages  pages of the low slab ({@link Slabs#lowSlabPagesFor})
     */
    HeapMemory32(MemoryType type, long limitPages, int slabShift, int lowPages) {
        super(type, limitPages, Slabs.offsetMask(slabShift), (long) lowPages << PAGE_SHIFT);
        long slots = type.shared() ? limitPages : Math.min(limitPages, Math.max(type.initialPages(), MIN_TABLE_SLOTS));
        this.table = new byte[(int) slots][];
        this.slabs = new Slabs<>(slabShift, lowPages, limitPages, table.length, new byte[0][], byte[]::new,
                (slab, offset, lengthBytes) -> Arrays.fill(slab, offset, offset + lengthBytes, (byte) 0));
        this.sizeBytes = type.initialPages() << PAGE_SHIFT;
    }

    @Override
    byte[] pageAt(long pageIndex) {
        return table[(int) pageIndex];
    }

    @Override
    byte[] committedPageAt(long pageIndex) {
        byte[] page = table[(int) pageIndex];
        return page != null ? page : commit((int) pageIndex);
    }

    private byte[] commit(int pageIndex) {
        long sizePages = sizeBytes >>> PAGE_SHIFT;
        byte[] slab = slabs.commitPage(tableLock(), this::currentTable, pageIndex, sizePages, this::countCommit);
        if (!type().shared() && slabs.committedWholeLowSlab(pageIndex, sizePages)) {
            low = slab;
        }
        return slab;
    }

    /** The table as of now (read under the table lock by {@link Slabs#commit}). */
    private byte[][] currentTable() {
        return table;
    }

    @Override
    void reserveTable(long oldPages, long newPages) {
        if (newPages > table.length) {
            check(!type().shared(), "a shared memory's table is never replaced");
            byte[][] grown = Arrays.copyOf(table, grownCapacity(table.length, newPages, limitPages));
            slabs.reserve(grown.length);
            table = grown;
        }
    }

    @Override
    boolean isCommitted(long pageIndex) {
        return SLOT.getVolatile(table, (int) pageIndex) != null;
    }

    @Override
    boolean releasePage(long pageIndex) {
        if (slabs.inLowSlab(pageIndex)) {
            low = NO_LOW;
        }
        return slabs.release(table, (int) pageIndex);
    }

    @Override
    boolean inLowSlab(long pageIndex) {
        return slabs.inLowSlab(pageIndex);
    }

    @Override
    long countCommittedSlots() {
        long committed = 0;
        for (byte[] page : table) {
            if (page != null) {
                committed++;
            }
        }
        return committed;
    }

    @Override
    void checkTable(long pages) {
        check(table.length >= pages && table.length <= limitPages,
                "table slots " + table.length + " outside [" + pages + ", " + limitPages + "]");
        check(!type().shared() || table.length == limitPages, "a shared table must have limitPages slots");
        for (int p = (int) pages; p < table.length; p++) {
            check(table[p] == null, "committed page " + p + " at or above the size " + pages);
        }
        if (low != NO_LOW) {
            check(!type().shared(), "a shared memory has no low slab in a field");
            slabs.checkLowSlab(table, low, pages);
        }
        slabs.check(table, lowSlabBytes(), slab -> slab.length,
                (slab, offset) -> Arrays.mismatch(slab, offset, offset + PAGE_BYTES, ZEROS, 0, PAGE_BYTES) < 0);
    }
}
