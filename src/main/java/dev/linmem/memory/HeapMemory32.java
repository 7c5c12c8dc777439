package dev.linmem.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * A wasm32 heap memory: a one-level table of {@code byte[]} pages.
 *
 * <h2>Layout</h2>
 * <pre>
 *   table: byte[capacity][]      capacity <= limitPages <= 65,536
 *          slot p = page p's byte[PAGE_BYTES], or null (uncommitted, reads zero)
 * </pre>
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li>{@code pages <= table.length <= limitPages}; slots at or above {@code pages} are null.</li>
 *   <li>A shared memory's table has {@code limitPages} slots from birth and is never replaced, so
 *       no thread can ever hold a stale table.</li>
 * </ol>
 *
 * <h2>Algorithm</h2>
 * <ul>
 *   <li><b>Grow</b> (unshared): when the table is too small, copy its slots (references, never
 *       page contents) into one at least twice as large.</li>
 *   <li><b>Commit</b>: allocate a zeroed page and install it with a compare-and-set on the null
 *       slot; the loser of a race adopts the winner's page, so no write is ever lost.</li>
 * </ul>
 */
final class HeapMemory32 extends HeapLinearMemory {

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(byte[][].class);

    /** One slot per wasm page; replaced only when an unshared memory outgrows it. */
    private byte[][] table;

    HeapMemory32(MemoryType type, long limitPages) {
        super(type, limitPages);
        long slots = type.shared() ? limitPages : Math.min(limitPages, Math.max(type.initialPages(), MIN_TABLE_SLOTS));
        this.table = new byte[(int) slots][];
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
        byte[] fresh = new byte[PAGE_BYTES];
        byte[] witness = (byte[]) SLOT.compareAndExchange(table, pageIndex, (byte[]) null, fresh);
        if (witness != null) {
            return witness;
        }
        countCommit();
        return fresh;
    }

    @Override
    void reserveTable(long oldPages, long newPages) {
        if (newPages > table.length) {
            check(!type().shared(), "a shared memory's table is never replaced");
            table = Arrays.copyOf(table, grownCapacity(table.length, newPages, limitPages));
        }
    }

    @Override
    boolean isCommitted(long pageIndex) {
        return SLOT.getVolatile(table, (int) pageIndex) != null;
    }

    @Override
    boolean releasePage(long pageIndex) {
        return SLOT.getAndSet(table, (int) pageIndex, (byte[]) null) != null;
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
        for (int p = 0; p < table.length; p++) {
            byte[] page = table[p];
            if (page != null && (p >= pages || page.length != PAGE_BYTES)) {
                fail("bad page buffer at page " + p);
            }
        }
    }
}
