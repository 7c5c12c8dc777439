package dev.linmem.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every linear memory shares, whatever its backing: size, bounds checks, growth, the bulk
 * operations, atomics' argument checks, wait/notify and statistics. Subclasses supply the page
 * table and the per-page primitives.
 *
 * <h2>Layout</h2>
 * <pre>
 *   address (long):  | page index (address >>> 16) | offset in page (low 16 bits) |
 *
 *   page table:      [ p0 ][ p1 ][null][ p3 ][null] ...   one slot per wasm page below the size
 *                       |     |            |
 *                    the buffers holding the pages, installed on the first write to each page
 *                    (lazy commit): one 64 KiB buffer per page, or a slab of several pages
 * </pre>
 * A {@code null} slot is an uncommitted page: it reads as zero. How the table itself is laid out
 * (one level for wasm32, two for memory64) and whether pages share slabs ({@link Slabs}) is the
 * subclass's business; {@link #offsetIn} finds an address's byte inside its buffer.
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li>{@code sizeBytes == pages * PAGE_BYTES} and {@code 0 <= pages <= limitPages}.</li>
 *   <li>{@code limitPages == min(type.effectiveMaximumPages(), hostLimitPages)}.</li>
 *   <li>Every committed page has index below {@code pages} and a buffer that holds all of it;
 *       {@code committedPages} counts committed pages (not slabs).</li>
 *   <li>The size only grows; a page slot below the size is never re-pointed at another buffer
 *       except by {@code discard}, which nulls it.</li>
 * </ol>
 *
 * <h2>Algorithm</h2>
 * <ul>
 *   <li><b>Bounds</b>: an access of {@code n} bytes at {@code a} is in bounds iff
 *       {@code a >= 0 && n >= 0 && a <= sizeBytes - n}; this form cannot overflow. Every
 *       operation checks its whole range before touching a byte, so a failing write writes
 *       nothing.</li>
 *   <li><b>Grow</b>: under the grow lock, (1) reject a delta beyond {@code limitPages} with -1;
 *       (2) let the subclass make room in its page table (it never copies page contents; an
 *       {@link OutOfMemoryError} here becomes -1); (3) publish the new size with a volatile
 *       write, so any thread that sees the new size also sees the table that covers it.</li>
 *   <li><b>Bulk operations</b> walk the range one page-bounded <em>span</em> at a time (a span
 *       never crosses a page boundary of source or destination) and hand each span to the
 *       subclass's page primitive. {@code copy} walks forward when the destination is below the
 *       source and backward otherwise, which is memmove.</li>
 *   <li><b>Wait/notify</b>: see {@link WaitQueues}.</li>
 * </ul>
 *
 * <h2>References</h2>
 * WebAssembly core spec, memory instructions and {@code memory.grow}; the threads proposal
 * (atomics, {@code memory.atomic.wait32/wait64/notify}); the memory-control proposal
 * ({@code memory.discard}).
 */
abstract class AbstractLinearMemory implements LinearMemory {

    /** Mask of the offset-in-page bits of an address. */
    static final int OFFSET_MASK = PAGE_BYTES - 1;

    /** One page of zeros, never written: the source for reads of uncommitted pages. */
    static final byte[] ZEROS = new byte[PAGE_BYTES];

    /** Smallest page-table capacity an unshared wasm32 memory starts with. */
    static final int MIN_TABLE_SLOTS = 16;

    private static final VarHandle SIZE_BYTES;

    static {
        try {
            SIZE_BYTES = MethodHandles.lookup().findVarHandle(AbstractLinearMemory.class, "sizeBytes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MemoryType type;
    private final Backing backing;
    /** The most pages this memory may ever have: the type's maximum capped by the host. */
    final long limitPages;

    /**
     * Mask of an address's byte offset inside the buffer that holds its page: {@code OFFSET_MASK}
     * when each page has its own buffer, wider when pages share a slab ({@link Slabs}).
     */
    private final int bufferOffsetMask;

    /**
     * Bytes of the low slab ({@link Slabs}), whose byte of address {@code a} is at {@code a}
     * itself; 0 for memories without slabs.
     */
    private final long lowSlabBytes;

    /**
     * Current size in bytes. Read plainly on the access fast path; written only under
     * {@link #growLock} with a volatile store (see {@link #grow}).
     */
    long sizeBytes;

    /** Guards growth, commits of slab-backed pages, releases and {@link #checkInvariants}. */
    private final Object growLock = new Object();
    private final AtomicLong committedPages = new AtomicLong();
    private final AtomicLong discardedPages = new AtomicLong();
    private volatile long growCalls;
    private final WaitQueues waitQueues;

    AbstractLinearMemory(MemoryType type, Backing backing, long limitPages, int bufferOffsetMask, long lowSlabBytes) {
        this.type = type;
        this.backing = backing;
        this.limitPages = limitPages;
        this.bufferOffsetMask = bufferOffsetMask;
        this.lowSlabBytes = lowSlabBytes;
        this.waitQueues = type.shared() ? new WaitQueues() : null;
    }

    /**
     * The capacity of a one-level page table that must cover {@code newPages}: at least double
     * the current one (so growing page by page copies O(1) slots per page, amortized) and never
     * above {@code limitPages}.
     */
    static int grownCapacity(int capacity, long newPages, long limitPages) {
        long doubled = Math.max((long) capacity * 2, MIN_TABLE_SLOTS);
        return (int) Math.min(Math.max(doubled, newPages), limitPages);
    }

    /** Makes the page table cover {@code newPages} pages (called under the grow lock, before the size is published). */
    abstract void reserveTable(long oldPages, long newPages);

    /** Whether the page's buffer is allocated. */
    abstract boolean isCommitted(long pageIndex);

    /** Nulls the page's slot; returns whether it was committed. Called under the grow lock. */
    abstract boolean releasePage(long pageIndex);

    /** Whether the page lies in the low slab ({@link Slabs}), which a zero fill does not release. */
    abstract boolean inLowSlab(long pageIndex);

    /** Copies a span (within one page) of memory at {@code address} into {@code dst}. */
    abstract void readSpan(long address, byte[] dst, int dstOffset, int lengthBytes);

    /** Copies {@code src} into a span (within one page) at {@code address}. */
    abstract void writeSpan(long address, byte[] src, int srcOffset, int lengthBytes);

    /** Puts {@code lengthBytes} of the span (within one page) at {@code address} into {@code dst} at its position, advancing it. */
    abstract void readSpan(long address, ByteBuffer dst, int lengthBytes);

    /** Writes the next {@code lengthBytes} of {@code src} into the span at {@code address}, advancing its position. */
    abstract void writeSpan(long address, ByteBuffer src, int lengthBytes);

    /** Fills a span (within one page). */
    abstract void fillSpan(long address, int lengthBytes, byte value);

    /** Copies between two spans, each within one page; they may be the same page and overlap. */
    abstract void copySpan(long dstAddress, long srcAddress, int lengthBytes);

    /** Bytes of the low slab; 0 for memories without slabs. */
    final long lowSlabBytes() {
        return lowSlabBytes;
    }

    /** The byte of {@code address} inside the buffer that holds its page. */
    final int offsetIn(long address) {
        return address < lowSlabBytes ? (int) address : (int) address & bufferOffsetMask;
    }

    /** The lock of {@link #grow}, which subclasses also take to commit a slab-backed page. */
    final Object tableLock() {
        return growLock;
    }

    /** Counts a page that was just committed (called by the subclass after winning the slot). */
    final void countCommit() {
        committedPages.incrementAndGet();
    }

    @Override
    public final MemoryType type() {
        return type;
    }

    /** The backing of this memory's page buffers. */
    final Backing backing() {
        return backing;
    }

    @Override
    public final long pages() {
        return currentSizeBytes() >>> PAGE_SHIFT;
    }

    @Override
    public final long sizeBytes() {
        return currentSizeBytes();
    }

    private long currentSizeBytes() {
        return (long) SIZE_BYTES.getVolatile(this);
    }

    // ---------------------------------------------------------------- bounds

    /** Throws unless {@code [address, address + widthBytes)} is inside the memory. */
    final void checkAccess(long address, int widthBytes) {
        if (address < 0 || address > sizeBytes - widthBytes) {
            throw new OutOfBoundsException(address, widthBytes, sizeBytes);
        }
    }

    /** Throws unless {@code [address, address + lengthBytes)} is inside the memory (negative length included). */
    final void checkRange(long address, long lengthBytes) {
        long size = currentSizeBytes();
        if (address < 0 || lengthBytes < 0 || address > size - lengthBytes) {
            throw new OutOfBoundsException(address, lengthBytes, size);
        }
    }

    /** Bounds first, then natural alignment, as the threads proposal orders its traps. */
    final void checkAtomic(long address, int widthBytes) {
        checkRange(address, widthBytes);
        if ((address & (widthBytes - 1)) != 0) {
            throw new UnalignedAtomicException(address, widthBytes);
        }
    }

    /** Bytes from {@code address} to the end of its page. */
    static int bytesToPageEnd(long address) {
        return PAGE_BYTES - ((int) address & OFFSET_MASK);
    }

    // ---------------------------------------------------------------- growth

    @Override
    public final long grow(long deltaPages) {
        if (deltaPages < 0) {
            throw new IllegalArgumentException("deltaPages must not be negative: " + deltaPages);
        }
        synchronized (growLock) {
            long oldPages = sizeBytes >>> PAGE_SHIFT;
            if (deltaPages == 0) {
                return oldPages;
            }
            if (deltaPages > limitPages - oldPages) {
                return -1;
            }
            long newPages = oldPages + deltaPages;
            try {
                reserveTable(oldPages, newPages);
            } catch (OutOfMemoryError hostCannotSupply) {
                return -1;
            }
            growCalls = growCalls + 1;
            SIZE_BYTES.setVolatile(this, newPages << PAGE_SHIFT);
            return oldPages;
        }
    }

    // ---------------------------------------------------------------- straddling values

    /** Reads {@code widthBytes} little-endian bytes one by one (for values crossing a page boundary). */
    final long getBytesLE(long address, int widthBytes) {
        long value = 0;
        for (int i = widthBytes - 1; i >= 0; i--) {
            value = (value << 8) | (getI8(address + i) & 0xFF);
        }
        return value;
    }

    /** Writes {@code widthBytes} little-endian bytes one by one (for values crossing a page boundary). */
    final void putBytesLE(long address, long value, int widthBytes) {
        for (int i = 0; i < widthBytes; i++) {
            putI8(address + i, (byte) (value >>> (8 * i)));
        }
    }

    // ---------------------------------------------------------------- bulk

    @Override
    public final void read(long address, byte[] dst, int dstOffset, int length) {
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        checkRange(address, length);
        int done = 0;
        while (done < length) {
            int span = Math.min(length - done, bytesToPageEnd(address + done));
            readSpan(address + done, dst, dstOffset + done, span);
            done += span;
        }
    }

    @Override
    public final void write(long address, byte[] src, int srcOffset, int length) {
        Objects.checkFromIndexSize(srcOffset, length, src.length);
        checkRange(address, length);
        int done = 0;
        while (done < length) {
            int span = Math.min(length - done, bytesToPageEnd(address + done));
            writeSpan(address + done, src, srcOffset + done, span);
            done += span;
        }
    }

    @Override
    public final void read(long address, ByteBuffer dst) {
        if (dst.isReadOnly()) {
            throw new java.nio.ReadOnlyBufferException();
        }
        int length = dst.remaining();
        checkRange(address, length);
        int done = 0;
        while (done < length) {
            int span = Math.min(length - done, bytesToPageEnd(address + done));
            readSpan(address + done, dst, span);
            done += span;
        }
    }

    @Override
    public final void write(long address, ByteBuffer src) {
        int length = src.remaining();
        checkRange(address, length);
        int done = 0;
        while (done < length) {
            int span = Math.min(length - done, bytesToPageEnd(address + done));
            writeSpan(address + done, src, span);
            done += span;
        }
    }

    @Override
    public final void copy(long dstAddress, long srcAddress, long lengthBytes) {
        checkRange(srcAddress, lengthBytes);
        checkRange(dstAddress, lengthBytes);
        if (lengthBytes == 0 || dstAddress == srcAddress) {
            return;
        }
        if (dstAddress < srcAddress) {
            copyForward(dstAddress, srcAddress, lengthBytes);
        } else {
            copyBackward(dstAddress, srcAddress, lengthBytes);
        }
    }

    private void copyForward(long dstAddress, long srcAddress, long lengthBytes) {
        long done = 0;
        while (done < lengthBytes) {
            long src = srcAddress + done;
            long dst = dstAddress + done;
            int span = (int) Math.min(lengthBytes - done, Math.min(bytesToPageEnd(src), bytesToPageEnd(dst)));
            copySpan(dst, src, span);
            done += span;
        }
    }

    private void copyBackward(long dstAddress, long srcAddress, long lengthBytes) {
        long remaining = lengthBytes;
        while (remaining > 0) {
            long srcEnd = srcAddress + remaining;
            long dstEnd = dstAddress + remaining;
            int span = (int) Math.min(remaining, Math.min(bytesFromPageStart(srcEnd), bytesFromPageStart(dstEnd)));
            copySpan(dstEnd - span, srcEnd - span, span);
            remaining -= span;
        }
    }

    /** Bytes from the start of the page holding {@code endAddress - 1} up to {@code endAddress}. */
    private static int bytesFromPageStart(long endAddress) {
        return (int) ((endAddress - 1) & OFFSET_MASK) + 1;
    }

    @Override
    public final void fill(long address, long lengthBytes, byte value) {
        checkRange(address, lengthBytes);
        long done = 0;
        while (done < lengthBytes) {
            long at = address + done;
            int span = (int) Math.min(lengthBytes - done, bytesToPageEnd(at));
            long page = at >>> PAGE_SHIFT;
            if (value == 0 && span == PAGE_BYTES && !type.shared() && !inLowSlab(page)) {
                releaseWholePage(page);
            } else if (value != 0 || isCommitted(page)) {
                fillSpan(at, span, value);
            }
            done += span;
        }
    }

    /**
     * Zeroes a whole page of an unshared memory by releasing its buffer: it reads zero again
     * and costs O(1) instead of a 64 KiB memset (Emscripten's mmap clears every mapping, which
     * made replays of PHP recordings clear about 90 GB). Shared memories fill instead, so
     * racing plain accesses keep wasm's semantics, and so do pages of the low slab, which stays
     * committed as a whole for the fast path.
     */
    private void releaseWholePage(long page) {
        if (!isCommitted(page)) {
            return;
        }
        synchronized (growLock) {
            if (releasePage(page)) {
                committedPages.decrementAndGet();
            }
        }
    }

    @Override
    public final void discard(long address, long lengthBytes) {
        if ((address & OFFSET_MASK) != 0 || (lengthBytes & OFFSET_MASK) != 0) {
            throw new IllegalArgumentException("discard needs whole wasm pages: address 0x"
                    + Long.toHexString(address) + " length " + lengthBytes
                    + " must both be multiples of " + PAGE_BYTES);
        }
        checkRange(address, lengthBytes);
        long firstPage = address >>> PAGE_SHIFT;
        long endPage = firstPage + (lengthBytes >>> PAGE_SHIFT);
        synchronized (growLock) {
            for (long page = firstPage; page < endPage; page++) {
                if (releasePage(page)) {
                    committedPages.decrementAndGet();
                }
            }
            discardedPages.addAndGet(endPage - firstPage);
        }
    }

    // ---------------------------------------------------------------- atomics

    /** Sequentially consistent load of the naturally aligned i32 at {@code address} (checked). */
    abstract int loadI32Atomic(long address);

    abstract void storeI32Atomic(long address, int value);

    /** Applies {@code op} atomically; returns the previous value. */
    abstract int rmwI32(long address, AtomicOp op, int operand);

    abstract int compareExchangeI32(long address, int expected, int replacement);

    abstract long loadI64Atomic(long address);

    abstract void storeI64Atomic(long address, long value);

    abstract long rmwI64(long address, AtomicOp op, long operand);

    abstract long compareExchangeI64(long address, long expected, long replacement);

    @Override
    public final int atomicLoadI32(long address) {
        checkAtomic(address, 4);
        return loadI32Atomic(address);
    }

    @Override
    public final void atomicStoreI32(long address, int value) {
        checkAtomic(address, 4);
        storeI32Atomic(address, value);
    }

    @Override
    public final int atomicAddI32(long address, int delta) {
        checkAtomic(address, 4);
        return rmwI32(address, AtomicOp.ADD, delta);
    }

    @Override
    public final int atomicSubI32(long address, int delta) {
        checkAtomic(address, 4);
        return rmwI32(address, AtomicOp.SUB, delta);
    }

    @Override
    public final int atomicAndI32(long address, int mask) {
        checkAtomic(address, 4);
        return rmwI32(address, AtomicOp.AND, mask);
    }

    @Override
    public final int atomicOrI32(long address, int mask) {
        checkAtomic(address, 4);
        return rmwI32(address, AtomicOp.OR, mask);
    }

    @Override
    public final int atomicXorI32(long address, int mask) {
        checkAtomic(address, 4);
        return rmwI32(address, AtomicOp.XOR, mask);
    }

    @Override
    public final int atomicExchangeI32(long address, int value) {
        checkAtomic(address, 4);
        return rmwI32(address, AtomicOp.EXCHANGE, value);
    }

    @Override
    public final int atomicCompareExchangeI32(long address, int expected, int replacement) {
        checkAtomic(address, 4);
        return compareExchangeI32(address, expected, replacement);
    }

    @Override
    public final long atomicLoadI64(long address) {
        checkAtomic(address, 8);
        return loadI64Atomic(address);
    }

    @Override
    public final void atomicStoreI64(long address, long value) {
        checkAtomic(address, 8);
        storeI64Atomic(address, value);
    }

    @Override
    public final long atomicAddI64(long address, long delta) {
        checkAtomic(address, 8);
        return rmwI64(address, AtomicOp.ADD, delta);
    }

    @Override
    public final long atomicSubI64(long address, long delta) {
        checkAtomic(address, 8);
        return rmwI64(address, AtomicOp.SUB, delta);
    }

    @Override
    public final long atomicAndI64(long address, long mask) {
        checkAtomic(address, 8);
        return rmwI64(address, AtomicOp.AND, mask);
    }

    @Override
    public final long atomicOrI64(long address, long mask) {
        checkAtomic(address, 8);
        return rmwI64(address, AtomicOp.OR, mask);
    }

    @Override
    public final long atomicXorI64(long address, long mask) {
        checkAtomic(address, 8);
        return rmwI64(address, AtomicOp.XOR, mask);
    }

    @Override
    public final long atomicExchangeI64(long address, long value) {
        checkAtomic(address, 8);
        return rmwI64(address, AtomicOp.EXCHANGE, value);
    }

    @Override
    public final long atomicCompareExchangeI64(long address, long expected, long replacement) {
        checkAtomic(address, 8);
        return compareExchangeI64(address, expected, replacement);
    }

    // ---------------------------------------------------------------- wait / notify

    @Override
    public final int wait32(long address, int expected, long timeoutNanos) {
        checkAtomic(address, 4);
        requireShared("memory.atomic.wait32");
        return waitQueues.await(address, () -> atomicLoadI32(address) == expected, timeoutNanos);
    }

    @Override
    public final int wait64(long address, long expected, long timeoutNanos) {
        checkAtomic(address, 8);
        requireShared("memory.atomic.wait64");
        return waitQueues.await(address, () -> atomicLoadI64(address) == expected, timeoutNanos);
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code count} is the instruction's unsigned i32 operand: a negative {@code int} means a
     * count of at least 2^31, so {@code -1} wakes every waiter.
     */
    @Override
    public final int notify(long address, int count) {
        checkAtomic(address, 4);
        if (waitQueues == null) {
            return 0;
        }
        return waitQueues.wake(address, Integer.toUnsignedLong(count));
    }

    /** Threads waiting at {@code address} (0 on an unshared memory); lets tests wait for waiters to queue. */
    final int waiterCount(long address) {
        return waitQueues == null ? 0 : waitQueues.waiterCount(address);
    }

    private void requireShared(String instruction) {
        if (waitQueues == null) {
            throw new IllegalStateException(instruction + " traps on an unshared memory");
        }
    }

    // ---------------------------------------------------------------- stats and invariants

    @Override
    public final LinearMemoryStats stats() {
        long pages = pages();
        return new LinearMemoryStats(pages, committedPages.get(), pages, growCalls, discardedPages.get());
    }

    /** Counts committed slots by walking the table (for {@link #checkInvariants}). */
    abstract long countCommittedSlots();

    /** Checks the table's own shape (for {@link #checkInvariants}). */
    abstract void checkTable(long pages);

    @Override
    public final void checkInvariants() {
        synchronized (growLock) {
            long size = sizeBytes;
            long pages = size >>> PAGE_SHIFT;
            check((size & OFFSET_MASK) == 0, "size " + size + " is not a whole number of wasm pages");
            check(pages <= limitPages, "pages " + pages + " exceed the limit " + limitPages);
            check(limitPages <= type.effectiveMaximumPages(), "limit above the type's maximum");
            checkTable(pages);
            long slots = countCommittedSlots();
            check(slots == committedPages.get(), "committed slots " + slots + " != counted " + committedPages.get());
            if (waitQueues != null) {
                waitQueues.checkInvariants();
            }
        }
    }

    /** Throws when {@code condition} is false (build {@code message} cheaply: it is evaluated every time). */
    static void check(boolean condition, String message) {
        if (!condition) {
            fail(message);
        }
    }

    static void fail(String message) {
        throw new IllegalStateException("LinearMemory invariant violated: " + message);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + type + ", " + backing + ", pages=" + pages()
                + ", committed=" + committedPages.get() + "]";
    }
}
