package dev.linmem.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A linear memory whose wasm pages live in Java {@code byte[]}s.
 *
 * <h2>Layout</h2>
 * Page {@code p} lives in a {@code byte[]} (its own, or a slab it shares with its neighbours; or
 * {@code null} while uncommitted) found through {@link #pageAt}; the subclass decides the page
 * table's shape (one level for wasm32, two for memory64). Values are little-endian within the
 * array.
 *
 * <h2>Algorithm</h2>
 * <ul>
 *   <li><b>Access</b> (the hot path): an access wholly inside the low slab ({@link #low}, set
 *       only while it is committed) is one {@code byteArrayViewVarHandle} access on it. Any other
 *       access: bounds check against the size; if the value crosses the page's end, assemble it
 *       byte by byte; else one table load, one null check and one view-handle access. A read of
 *       an uncommitted page returns zero; a write commits the page first
 *       ({@link #committedPageAt}).</li>
 *   <li><b>Atomics</b>: JDK 23 and later refuse atomic access modes on {@code byte[]} views, and
 *       a {@code byte[]} has no guaranteed alignment on every JVM. So heap atomics take one of
 *       {@link #ATOMIC_STRIPES} monitors, chosen by the address's 8-byte granule (so an i32 and
 *       an i64 atomic that overlap share a monitor), and read and write plainly inside it. All
 *       atomics of all heap memories are thus linearizable and, because monitor actions are
 *       totally ordered, sequentially consistent. Plain accesses racing with them may see a
 *       value before or after, as wasm allows. {@link Backing#DIRECT} memories use lock-free
 *       hardware atomics instead.</li>
 * </ul>
 */
abstract class HeapLinearMemory extends AbstractLinearMemory {

    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Monitors serializing heap atomics; a power of two. */
    static final int ATOMIC_STRIPES = 256;

    private static final Object[] ATOMIC_LOCKS = new Object[ATOMIC_STRIPES];

    static {
        for (int i = 0; i < ATOMIC_STRIPES; i++) {
            ATOMIC_LOCKS[i] = new Object();
        }
    }

    /** The value of {@link #low} while the memory has no low slab in it: empty, so no address passes the fast path. */
    static final byte[] NO_LOW = new byte[0];

    /**
     * The low slab ({@link Slabs}) while every page of it is committed and the memory is
     * unshared, else {@link #NO_LOW}: an access that lies wholly below its end needs no size
     * check (the low slab lies within the initial size, and memory never shrinks), no page
     * table and no commit, only the buffer's own bounds check. Set by the subclass when it
     * commits the low slab; reset when one of its pages is released.
     */
    byte[] low = NO_LOW;

    HeapLinearMemory(MemoryType type, long limitPages, int bufferOffsetMask, long lowSlabBytes) {
        super(type, Backing.HEAP, limitPages, bufferOffsetMask, lowSlabBytes);
    }

    /**
     * The buffer holding the page (its own, or the slab it shares; index it with {@link #offsetIn}),
     * or {@code null} while the page is uncommitted. {@code pageIndex} is below the size.
     */
    abstract byte[] pageAt(long pageIndex);

    /** The buffer holding the page, committing the page first if needed. {@code pageIndex} is below the size. */
    abstract byte[] committedPageAt(long pageIndex);

    private static Object atomicLock(long address) {
        return ATOMIC_LOCKS[(int) (address >>> 3) & (ATOMIC_STRIPES - 1)];
    }

    // ---------------------------------------------------------------- scalar access

    @Override
    public final byte getI8(long address) {
        byte[] l = low;
        if (address >= 0 && address <= l.length - 1) {
            return l[(int) address];
        }
        checkAccess(address, 1);
        byte[] page = pageAt(address >>> PAGE_SHIFT);
        return page == null ? 0 : page[offsetIn(address)];
    }

    @Override
    public final void putI8(long address, byte value) {
        byte[] l = low;
        if (address >= 0 && address <= l.length - 1) {
            l[(int) address] = value;
            return;
        }
        checkAccess(address, 1);
        committedPageAt(address >>> PAGE_SHIFT)[offsetIn(address)] = value;
    }

    @Override
    public final short getI16(long address) {
        byte[] l = low;
        if (address >= 0 && address <= l.length - 2) {
            return (short) I16.get(l, (int) address);
        }
        checkAccess(address, 2);
        int offset = offsetIn(address);
        if ((offset & OFFSET_MASK) > PAGE_BYTES - 2) {
            return (short) getBytesLE(address, 2);
        }
        byte[] page = pageAt(address >>> PAGE_SHIFT);
        return page == null ? 0 : (short) I16.get(page, offset);
    }

    @Override
    public final void putI16(long address, short value) {
        byte[] l = low;
        if (address >= 0 && address <= l.length - 2) {
            I16.set(l, (int) address, value);
            return;
        }
        checkAccess(address, 2);
        int offset = offsetIn(address);
        if ((offset & OFFSET_MASK) > PAGE_BYTES - 2) {
            putBytesLE(address, value, 2);
            return;
        }
        I16.set(committedPageAt(address >>> PAGE_SHIFT), offset, value);
    }

    @Override
    public final int getI32(long address) {
        byte[] l = low;
        if (address >= 0 && address <= l.length - 4) {
            return (int) I32.get(l, (int) address);
        }
        checkAccess(address, 4);
        int offset = offsetIn(address);
        if ((offset & OFFSET_MASK) > PAGE_BYTES - 4) {
            return (int) getBytesLE(address, 4);
        }
        byte[] page = pageAt(address >>> PAGE_SHIFT);
        return page == null ? 0 : (int) I32.get(page, offset);
    }

    @Override
    public final void putI32(long address, int value) {
        byte[] l = low;
        if (address >= 0 && address <= l.length - 4) {
            I32.set(l, (int) address, value);
            return;
        }
        checkAccess(address, 4);
        int offset = offsetIn(address);
        if ((offset & OFFSET_MASK) > PAGE_BYTES - 4) {
            putBytesLE(address, value, 4);
            return;
        }
        I32.set(committedPageAt(address >>> PAGE_SHIFT), offset, value);
    }

    @Override
    public final long getI64(long address) {
        byte[] l = low;
        if (address >= 0 && address <= l.length - 8) {
            return (long) I64.get(l, (int) address);
        }
        checkAccess(address, 8);
        int offset = offsetIn(address);
        if ((offset & OFFSET_MASK) > PAGE_BYTES - 8) {
            return getBytesLE(address, 8);
        }
        byte[] page = pageAt(address >>> PAGE_SHIFT);
        return page == null ? 0 : (long) I64.get(page, offset);
    }

    @Override
    public final void putI64(long address, long value) {
        byte[] l = low;
        if (address >= 0 && address <= l.length - 8) {
            I64.set(l, (int) address, value);
            return;
        }
        checkAccess(address, 8);
        int offset = offsetIn(address);
        if ((offset & OFFSET_MASK) > PAGE_BYTES - 8) {
            putBytesLE(address, value, 8);
            return;
        }
        I64.set(committedPageAt(address >>> PAGE_SHIFT), offset, value);
    }

    @Override
    public final float getF32(long address) {
        return Float.intBitsToFloat(getI32(address));
    }

    @Override
    public final void putF32(long address, float value) {
        putI32(address, Float.floatToRawIntBits(value));
    }

    @Override
    public final double getF64(long address) {
        return Double.longBitsToDouble(getI64(address));
    }

    @Override
    public final void putF64(long address, double value) {
        putI64(address, Double.doubleToRawLongBits(value));
    }

    // ---------------------------------------------------------------- spans

    @Override
    final void readSpan(long address, byte[] dst, int dstOffset, int lengthBytes) {
        byte[] page = pageAt(address >>> PAGE_SHIFT);
        if (page == null) {
            Arrays.fill(dst, dstOffset, dstOffset + lengthBytes, (byte) 0);
        } else {
            System.arraycopy(page, offsetIn(address), dst, dstOffset, lengthBytes);
        }
    }

    @Override
    final void writeSpan(long address, byte[] src, int srcOffset, int lengthBytes) {
        System.arraycopy(src, srcOffset, committedPageAt(address >>> PAGE_SHIFT), offsetIn(address), lengthBytes);
    }

    @Override
    final void readSpan(long address, ByteBuffer dst, int lengthBytes) {
        byte[] page = pageAt(address >>> PAGE_SHIFT);
        if (page == null) {
            dst.put(ZEROS, 0, lengthBytes);
        } else {
            dst.put(page, offsetIn(address), lengthBytes);
        }
    }

    @Override
    final void writeSpan(long address, ByteBuffer src, int lengthBytes) {
        src.get(committedPageAt(address >>> PAGE_SHIFT), offsetIn(address), lengthBytes);
    }

    @Override
    final void fillSpan(long address, int lengthBytes, byte value) {
        int offset = offsetIn(address);
        Arrays.fill(committedPageAt(address >>> PAGE_SHIFT), offset, offset + lengthBytes, value);
    }

    @Override
    final void copySpan(long dstAddress, long srcAddress, int lengthBytes) {
        byte[] src = pageAt(srcAddress >>> PAGE_SHIFT);
        int dstOffset = offsetIn(dstAddress);
        if (src == null) {
            byte[] dst = pageAt(dstAddress >>> PAGE_SHIFT);
            if (dst != null) {
                Arrays.fill(dst, dstOffset, dstOffset + lengthBytes, (byte) 0);
            }
            return;
        }
        System.arraycopy(src, offsetIn(srcAddress),
                committedPageAt(dstAddress >>> PAGE_SHIFT), dstOffset, lengthBytes);
    }

    // ---------------------------------------------------------------- atomics

    @Override
    final int loadI32Atomic(long address) {
        synchronized (atomicLock(address)) {
            byte[] page = pageAt(address >>> PAGE_SHIFT);
            return page == null ? 0 : (int) I32.get(page, offsetIn(address));
        }
    }

    @Override
    final void storeI32Atomic(long address, int value) {
        byte[] page = committedPageAt(address >>> PAGE_SHIFT);
        synchronized (atomicLock(address)) {
            I32.set(page, offsetIn(address), value);
        }
    }

    @Override
    final int rmwI32(long address, AtomicOp op, int operand) {
        byte[] page = committedPageAt(address >>> PAGE_SHIFT);
        int offset = offsetIn(address);
        synchronized (atomicLock(address)) {
            int old = (int) I32.get(page, offset);
            I32.set(page, offset, op.apply(old, operand));
            return old;
        }
    }

    @Override
    final int compareExchangeI32(long address, int expected, int replacement) {
        byte[] page = committedPageAt(address >>> PAGE_SHIFT);
        int offset = offsetIn(address);
        synchronized (atomicLock(address)) {
            int old = (int) I32.get(page, offset);
            if (old == expected) {
                I32.set(page, offset, replacement);
            }
            return old;
        }
    }

    @Override
    final long loadI64Atomic(long address) {
        synchronized (atomicLock(address)) {
            byte[] page = pageAt(address >>> PAGE_SHIFT);
            return page == null ? 0 : (long) I64.get(page, offsetIn(address));
        }
    }

    @Override
    final void storeI64Atomic(long address, long value) {
        byte[] page = committedPageAt(address >>> PAGE_SHIFT);
        synchronized (atomicLock(address)) {
            I64.set(page, offsetIn(address), value);
        }
    }

    @Override
    final long rmwI64(long address, AtomicOp op, long operand) {
        byte[] page = committedPageAt(address >>> PAGE_SHIFT);
        int offset = offsetIn(address);
        synchronized (atomicLock(address)) {
            long old = (long) I64.get(page, offset);
            I64.set(page, offset, op.apply(old, operand));
            return old;
        }
    }

    @Override
    final long compareExchangeI64(long address, long expected, long replacement) {
        byte[] page = committedPageAt(address >>> PAGE_SHIFT);
        int offset = offsetIn(address);
        synchronized (atomicLock(address)) {
            long old = (long) I64.get(page, offset);
            if (old == expected) {
                I64.set(page, offset, replacement);
            }
            return old;
        }
    }
}
