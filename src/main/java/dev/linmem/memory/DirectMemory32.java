package dev.linmem.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A wasm32 direct memory: a one-level table of wasm pages, each held in a direct buffer slab of
 * one or more consecutive pages ({@link Slabs}).
 *
 * <h2>Layout</h2>
 * <pre>
 *   table: ByteBuffer[capacity]    capacity <= limitPages <= 65,536
 *          slot p = the slab holding page p (byte (int) a & (slabBytes - 1) is address a,
 *                   byte (int) a in the low slab),
 *                   or null (uncommitted, reads zero)
 * </pre>
 * Every slab starts 8-byte aligned, so every page in it does too.
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
 * As {@link HeapMemory32}, with direct buffers.
 */
final class DirectMemory32 extends DirectLinearMemory {

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(ByteBuffer[].class);

    /** One slot per wasm page; replaced only when an unshared memory outgrows it. */
    private ByteBuffer[] table;

    /** The slabs behind the table; guarded by the table lock. */
    private final Slabs<ByteBuffer> slabs;

    /**
     * @param slabShift log2 of the wasm pages per slab ({@link Slabs#slabShiftFor} unless a test picks one)
     * @param lowPages  pages of the low slab ({@link Slabs#lowSlabPagesFor})
     */
    DirectMemory32(MemoryType type, long limitPages, int slabShift, int lowPages) {
        super(type, limitPages, Slabs.offsetMask(slabShift), (long) lowPages << PAGE_SHIFT);
        long slots = type.shared() ? limitPages : Math.min(limitPages, Math.max(type.initialPages(), MIN_TABLE_SLOTS));
        this.table = new ByteBuffer[(int) slots];
        this.slabs = new Slabs<>(slabShift, lowPages, limitPages, table.length, new ByteBuffer[0],
                DirectLinearMemory::allocateBuffer,
                (slab, offset, lengthBytes) -> slab.put(offset, ZEROS, 0, lengthBytes));
        this.sizeBytes = type.initialPages() << PAGE_SHIFT;
    }

    @Override
    ByteBuffer pageAt(long pageIndex) {
        return table[(int) pageIndex];
    }

    @Override
    ByteBuffer committedPageAt(long pageIndex) {
        ByteBuffer page = table[(int) pageIndex];
        return page != null ? page : commit((int) pageIndex);
    }

    private ByteBuffer commit(int pageIndex) {
        long sizePages = sizeBytes >>> PAGE_SHIFT;
        ByteBuffer slab = slabs.commitPage(tableLock(), this::currentTable, pageIndex, sizePages, this::countCommit);
        if (!type().shared() && slabs.committedWholeLowSlab(pageIndex, sizePages)) {
            low = slab;
        }
        return slab;
    }

    /** The table as of now (read under the table lock by {@link Slabs#commit}). */
    private ByteBuffer[] currentTable() {
        return table;
    }

    @Override
    void reserveTable(long oldPages, long newPages) {
        if (newPages > table.length) {
            check(!type().shared(), "a shared memory's table is never replaced");
            ByteBuffer[] grown = Arrays.copyOf(table, grownCapacity(table.length, newPages, limitPages));
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
        for (ByteBuffer page : table) {
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
        slabs.check(table, lowSlabBytes(), ByteBuffer::capacity,
                (slab, offset) -> slab.slice(offset, PAGE_BYTES).mismatch(ByteBuffer.wrap(ZEROS)) < 0);
    }
}
