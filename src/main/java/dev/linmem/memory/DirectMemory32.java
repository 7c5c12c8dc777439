package dev.linmem.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A wasm32 direct memory: a one-level table of direct page buffers.
 *
 * <h2>Layout</h2>
 * <pre>
 *   table: ByteBuffer[capacity]    capacity <= limitPages <= 65,536
 *          slot p = page p's direct buffer, or null (uncommitted, reads zero)
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
final class DirectMemory32 extends DirectLinearMemory {

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(ByteBuffer[].class);

    /** One slot per wasm page; replaced only when an unshared memory outgrows it. */
    private ByteBuffer[] table;

    DirectMemory32(MemoryType type, long limitPages) {
        super(type, limitPages);
        long slots = type.shared() ? limitPages : Math.min(limitPages, Math.max(type.initialPages(), MIN_TABLE_SLOTS));
        this.table = new ByteBuffer[(int) slots];
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
        ByteBuffer fresh = allocatePage();
        ByteBuffer witness = (ByteBuffer) SLOT.compareAndExchange(table, pageIndex, (ByteBuffer) null, fresh);
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
        return SLOT.getAndSet(table, (int) pageIndex, (ByteBuffer) null) != null;
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
        for (int p = 0; p < table.length; p++) {
            ByteBuffer page = table[p];
            if (page != null && (p >= pages || page.capacity() != PAGE_BYTES)) {
                fail("bad page buffer at page " + p);
            }
        }
    }
}
