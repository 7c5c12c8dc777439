package dev.linmem.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A linear memory whose wasm pages live in direct (off-heap) {@link ByteBuffer}s, each 8-byte
 * aligned.
 *
 * <h2>Layout</h2>
 * Page {@code p} lives in a direct buffer (its own, or a slab it shares with its neighbours; or
 * {@code null} while uncommitted) found through {@link #pageAt}; the subclass decides the table's
 * shape. Values are little-endian; buffer positions and limits are never changed (all access is
 * absolute, and a buffer's limit is its capacity), so buffers can be shared between threads.
 *
 * <h2>Algorithm</h2>
 * <ul>
 *   <li><b>Access</b>: as {@link HeapLinearMemory}, with a {@code byteBufferViewVarHandle}; on
 *       the low slab's fast path with the buffer's own absolute little-endian get/put, which the
 *       JIT compiles to fewer checks than the view handle (1 MiB random i32 access: 1.04-1.29x a
 *       plain direct buffer, against 1.47x through the handle, in runs minutes apart;
 *       docs/benchmarks.md).</li>
 *   <li><b>Atomics</b>: hardware atomics through the same view handles. Direct buffers keep their
 *       atomic access modes on every JDK (only heap views lost them in JDK 23), provided the
 *       address is aligned: each page starts 8-byte aligned ({@link #allocatePage}) and atomics
 *       are naturally aligned within it.</li>
 *   <li><b>Release</b>: a discarded page's buffer is dropped; the JDK frees its native memory
 *       when the buffer is collected.</li>
 * </ul>
 */
abstract class DirectLinearMemory extends AbstractLinearMemory {

    private static final VarHandle I16 = MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Alignment of every page buffer's first byte: the widest atomic. */
    static final int PAGE_ALIGNMENT_BYTES = 8;

    /** The value of {@link #low} while the memory has no low slab in it: empty, so no address passes the fast path. */
    static final ByteBuffer NO_LOW = allocateBuffer(0);

    /**
     * The low slab ({@link Slabs}) while every page of it is committed and the memory is
     * unshared, else {@link #NO_LOW}: an access that lies wholly below its end needs no size
     * check (the low slab lies within the initial size, and memory never shrinks), no page
     * table and no commit, only the buffer's own bounds check. Set by the subclass when it
     * commits the low slab; reset when one of its pages is released.
     */
    ByteBuffer low = NO_LOW;

    DirectLinearMemory(MemoryType type, long limitPages, int bufferOffsetMask, long lowSlabBytes) {
        super(type, Backing.DIRECT, limitPages, bufferOffsetMask, lowSlabBytes);
    }

    /**
     * The buffer holding the page (its own, or the slab it shares; index it with {@link #offsetIn}),
     * or {@code null} while the page is uncommitted. {@code pageIndex} is below the size.
     */
    abstract ByteBuffer pageAt(long pageIndex);

    /** The buffer holding the page, committing the page first if needed. {@code pageIndex} is below the size. */
    abstract ByteBuffer committedPageAt(long pageIndex);

    /** A zeroed, 8-byte aligned, little-endian direct buffer of exactly {@code PAGE_BYTES}. */
    static ByteBuffer allocatePage() {
        return allocateBuffer(PAGE_BYTES);
    }

    /** A zeroed, 8-byte aligned, little-endian direct buffer of exactly {@code lengthBytes}. */
    static ByteBuffer allocateBuffer(int lengthBytes) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(lengthBytes);
        if (buffer.alignmentOffset(0, PAGE_ALIGNMENT_BYTES) != 0) {
            buffer = ByteBuffer.allocateDirect(lengthBytes + PAGE_ALIGNMENT_BYTES - 1)
                    .alignedSlice(PAGE_ALIGNMENT_BYTES).limit(lengthBytes).slice();
        }
        return buffer.order(ByteOrder.LITTLE_ENDIAN);
    }

    // ---------------------------------------------------------------- scalar access

    @Override
    public final byte getI8(long address) {
        ByteBuffer l = low;
        if (address >= 0 && address <= l.limit() - 1) {
            return l.get((int) address);
        }
        checkAccess(address, 1);
        ByteBuffer page = pageAt(address >>> PAGE_SHIFT);
        return page == null ? 0 : page.get(offsetIn(address));
    }

    @Override
    public final void putI8(long address, byte value) {
        ByteBuffer l = low;
        if (address >= 0 && address <= l.limit() - 1) {
            l.put((int) address, value);
            return;
        }
        checkAccess(address, 1);
        committedPageAt(address >>> PAGE_SHIFT).put(offsetIn(address), value);
    }

    @Override
    public final short getI16(long address) {
        ByteBuffer l = low;
        if (address >= 0 && address <= l.limit() - 2) {
            return l.getShort((int) address);
        }
        checkAccess(address, 2);
        int offset = offsetIn(address);
        if ((offset & OFFSET_MASK) > PAGE_BYTES - 2) {
            return (short) getBytesLE(address, 2);
        }
        ByteBuffer page = pageAt(address >>> PAGE_SHIFT);
        return page == null ? 0 : (short) I16.get(page, offset);
    }

    @Override
    public final void putI16(long address, short value) {
        ByteBuffer l = low;
        if (address >= 0 && address <= l.limit() - 2) {
            l.putShort((int) address, value);
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
        ByteBuffer l = low;
        if (address >= 0 && address <= l.limit() - 4) {
            return l.getInt((int) address);
        }
        checkAccess(address, 4);
        int offset = offsetIn(address);
        if ((offset & OFFSET_MASK) > PAGE_BYTES - 4) {
            return (int) getBytesLE(address, 4);
        }
        ByteBuffer page = pageAt(address >>> PAGE_SHIFT);
        return page == null ? 0 : (int) I32.get(page, offset);
    }

    @Override
    public final void putI32(long address, int value) {
        ByteBuffer l = low;
        if (address >= 0 && address <= l.limit() - 4) {
            l.putInt((int) address, value);
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
        ByteBuffer l = low;
        if (address >= 0 && address <= l.limit() - 8) {
            return l.getLong((int) address);
        }
        checkAccess(address, 8);
        int offset = offsetIn(address);
        if ((offset & OFFSET_MASK) > PAGE_BYTES - 8) {
            return getBytesLE(address, 8);
        }
        ByteBuffer page = pageAt(address >>> PAGE_SHIFT);
        return page == null ? 0 : (long) I64.get(page, offset);
    }

    @Override
    public final void putI64(long address, long value) {
        ByteBuffer l = low;
        if (address >= 0 && address <= l.limit() - 8) {
            l.putLong((int) address, value);
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
        ByteBuffer page = pageAt(address >>> PAGE_SHIFT);
        if (page == null) {
            System.arraycopy(ZEROS, 0, dst, dstOffset, lengthBytes);
        } else {
            page.get(offsetIn(address), dst, dstOffset, lengthBytes);
        }
    }

    @Override
    final void writeSpan(long address, byte[] src, int srcOffset, int lengthBytes) {
        committedPageAt(address >>> PAGE_SHIFT).put(offsetIn(address), src, srcOffset, lengthBytes);
    }

    @Override
    final void readSpan(long address, ByteBuffer dst, int lengthBytes) {
        ByteBuffer page = pageAt(address >>> PAGE_SHIFT);
        int at = dst.position();
        if (page == null) {
            dst.put(ZEROS, 0, lengthBytes);
        } else {
            dst.put(at, page, offsetIn(address), lengthBytes);
            dst.position(at + lengthBytes);
        }
    }

    @Override
    final void writeSpan(long address, ByteBuffer src, int lengthBytes) {
        int at = src.position();
        committedPageAt(address >>> PAGE_SHIFT).put(offsetIn(address), src, at, lengthBytes);
        src.position(at + lengthBytes);
    }

    @Override
    final void fillSpan(long address, int lengthBytes, byte value) {
        ByteBuffer page = committedPageAt(address >>> PAGE_SHIFT);
        int offset = offsetIn(address);
        int end = offset + lengthBytes;
        long pattern = (value & 0xFFL) * 0x0101_0101_0101_0101L;
        int at = offset;
        for (; at < end && (at & 7) != 0; at++) {
            page.put(at, value);
        }
        for (; at + 8 <= end; at += 8) {
            I64.set(page, at, pattern);
        }
        for (; at < end; at++) {
            page.put(at, value);
        }
    }

    @Override
    final void copySpan(long dstAddress, long srcAddress, int lengthBytes) {
        ByteBuffer src = pageAt(srcAddress >>> PAGE_SHIFT);
        int srcOffset = offsetIn(srcAddress);
        int dstOffset = offsetIn(dstAddress);
        if (src == null) {
            ByteBuffer dst = pageAt(dstAddress >>> PAGE_SHIFT);
            if (dst != null) {
                dst.put(dstOffset, ZEROS, 0, lengthBytes);
            }
            return;
        }
        ByteBuffer dst = committedPageAt(dstAddress >>> PAGE_SHIFT);
        if (dst == src && Math.abs(dstOffset - srcOffset) < lengthBytes) {
            // Overlapping spans of one buffer: copy through a temporary so overlap in either
            // direction is memmove, without relying on how the JDK orders an in-buffer copy.
            byte[] staging = new byte[lengthBytes];
            src.get(srcOffset, staging, 0, lengthBytes);
            dst.put(dstOffset, staging, 0, lengthBytes);
        } else {
            dst.put(dstOffset, src, srcOffset, lengthBytes);
        }
    }

    // ---------------------------------------------------------------- atomics

    @Override
    final int loadI32Atomic(long address) {
        ByteBuffer page = pageAt(address >>> PAGE_SHIFT);
        return page == null ? 0 : (int) I32.getVolatile(page, offsetIn(address));
    }

    @Override
    final void storeI32Atomic(long address, int value) {
        I32.setVolatile(committedPageAt(address >>> PAGE_SHIFT), offsetIn(address), value);
    }

    @Override
    final int rmwI32(long address, AtomicOp op, int operand) {
        ByteBuffer page = committedPageAt(address >>> PAGE_SHIFT);
        int offset = offsetIn(address);
        switch (op) {
            case ADD: return (int) I32.getAndAdd(page, offset, operand);
            case SUB: return (int) I32.getAndAdd(page, offset, -operand);
            case AND: return (int) I32.getAndBitwiseAnd(page, offset, operand);
            case OR: return (int) I32.getAndBitwiseOr(page, offset, operand);
            case XOR: return (int) I32.getAndBitwiseXor(page, offset, operand);
            case EXCHANGE: return (int) I32.getAndSet(page, offset, operand);
            default: throw new AssertionError(op);
        }
    }

    @Override
    final int compareExchangeI32(long address, int expected, int replacement) {
        return (int) I32.compareAndExchange(committedPageAt(address >>> PAGE_SHIFT),
                offsetIn(address), expected, replacement);
    }

    @Override
    final long loadI64Atomic(long address) {
        ByteBuffer page = pageAt(address >>> PAGE_SHIFT);
        return page == null ? 0 : (long) I64.getVolatile(page, offsetIn(address));
    }

    @Override
    final void storeI64Atomic(long address, long value) {
        I64.setVolatile(committedPageAt(address >>> PAGE_SHIFT), offsetIn(address), value);
    }

    @Override
    final long rmwI64(long address, AtomicOp op, long operand) {
        ByteBuffer page = committedPageAt(address >>> PAGE_SHIFT);
        int offset = offsetIn(address);
        switch (op) {
            case ADD: return (long) I64.getAndAdd(page, offset, operand);
            case SUB: return (long) I64.getAndAdd(page, offset, -operand);
            case AND: return (long) I64.getAndBitwiseAnd(page, offset, operand);
            case OR: return (long) I64.getAndBitwiseOr(page, offset, operand);
            case XOR: return (long) I64.getAndBitwiseXor(page, offset, operand);
            case EXCHANGE: return (long) I64.getAndSet(page, offset, operand);
            default: throw new AssertionError(op);
        }
    }

    @Override
    final long compareExchangeI64(long address, long expected, long replacement) {
        return (long) I64.compareAndExchange(committedPageAt(address >>> PAGE_SHIFT),
                offsetIn(address), expected, replacement);
    }
}
