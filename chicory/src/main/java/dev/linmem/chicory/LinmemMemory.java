package dev.linmem.chicory;

import com.dylibso.chicory.runtime.ConstantEvaluators;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.InvalidException;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.PassiveDataSegment;
import dev.linmem.memory.Backing;
import dev.linmem.memory.LinearMemory;
import dev.linmem.memory.MemoryType;
import dev.linmem.memory.OutOfBoundsException;
import dev.linmem.memory.UnalignedAtomicException;
import java.util.function.Function;

/**
 * Chicory's {@link Memory} over a linmem {@link LinearMemory}: what the guest reads and writes
 * is the LinearMemory, so the host can put an {@code AddressSpace} (mmap family) or an allocator
 * on the same bytes.
 *
 * <p>Addresses: Chicory passes wasm32 addresses as {@code int}. Chicory's memories stop at
 * {@link Memory#RUNTIME_MAX_PAGES} pages (2 GiB - 64 KiB), so every valid address is a
 * non-negative {@code int}; a negative one (which Chicory's compiler passes through unchanged)
 * is out of bounds. Out of bounds becomes Chicory's {@link WasmRuntimeException} with the
 * spec's "out of bounds memory access" message, as Chicory's own memories throw; an unaligned
 * atomic becomes {@link InvalidException}("unaligned atomic"), as Chicory's interpreter throws.
 *
 * <p>Atomics: every atomic operation is LinearMemory's (lock-free, sequentially consistent),
 * none is left to {@link Memory}'s lock-based defaults. LinearMemory has 32- and 64-bit atomics;
 * the 8- and 16-bit ones here are compare-and-swap loops on the aligned 32-bit word that holds
 * them, which is atomic with respect to every other atomic access to those bytes.
 */
public final class LinmemMemory implements Memory {

    /**
     * Told of every successful {@code memory.grow} the guest makes. The host's own growth (an
     * address space or an allocator growing the LinearMemory directly) is not reported.
     */
    @FunctionalInterface
    public interface GuestGrowthListener {

        /** The guest grew the memory from {@code oldSizeBytes} to {@code newSizeBytes}. */
        void grown(long oldSizeBytes, long newSizeBytes);
    }

    private final LinearMemory memory;
    private volatile GuestGrowthListener growthListener;
    private final int initialPages;
    private final int maximumPages;
    private DataSegment[] dataSegments;

    /** Wraps {@code memory}; the guest sees at most {@link Memory#RUNTIME_MAX_PAGES} pages of it. */
    public LinmemMemory(LinearMemory memory) {
        if (memory == null) {
            throw new IllegalArgumentException("memory must not be null");
        }
        this.memory = memory;
        MemoryType type = memory.type();
        this.initialPages = (int) Math.min(type.initialPages(), RUNTIME_MAX_PAGES);
        this.maximumPages = (int) Math.min(type.effectiveMaximumPages(), RUNTIME_MAX_PAGES);
    }

    /** A memory for a module's declared limits, heap-backed. */
    public static LinmemMemory of(MemoryLimits limits) {
        return of(limits, Backing.HEAP);
    }

    /** A memory for a module's declared limits with the given backing. */
    public static LinmemMemory of(MemoryLimits limits, Backing backing) {
        int maximum = Math.min(limits.maximumPages(), RUNTIME_MAX_PAGES);
        MemoryType type = new MemoryType(limits.initialPages(), maximum,
                dev.linmem.memory.AddressType.I32, limits.shared());
        return new LinmemMemory(LinearMemory.create(type, backing));
    }

    /** A memory factory for {@code Instance.builder(module).withMemoryFactory(...)}. */
    public static Function<MemoryLimits, Memory> factory() {
        return LinmemMemory::of;
    }

    /** The LinearMemory the guest reads and writes. */
    public LinearMemory linearMemory() {
        return memory;
    }

    // ---- size ----

    @Override
    public int pages() {
        return (int) memory.pages();
    }

    /** Sets the listener told of the guest's own growth (null for none). */
    public void onGuestGrowth(GuestGrowthListener listener) {
        this.growthListener = listener;
    }

    @Override
    public int grow(int deltaPages) {
        if (deltaPages < 0 || memory.pages() + deltaPages > maximumPages) {
            return -1;
        }
        long oldPages = memory.grow(deltaPages);
        GuestGrowthListener listener = growthListener;
        if (oldPages >= 0 && deltaPages > 0 && listener != null) {
            listener.grown(oldPages * PAGE_SIZE, (oldPages + deltaPages) * PAGE_SIZE);
        }
        return (int) oldPages;
    }

    @Override
    public int initialPages() {
        return initialPages;
    }

    @Override
    public int maximumPages() {
        return maximumPages;
    }

    @Override
    public boolean shared() {
        return memory.type().shared();
    }

    // ---- data segments ----

    @Override
    public void initialize(Instance instance, DataSegment[] segments) {
        initialize(instance, segments, 0);
    }

    @Override
    public void initialize(Instance instance, DataSegment[] segments, int memoryIndex) {
        this.dataSegments = segments;
        if (segments == null) {
            return;
        }
        for (DataSegment segment : segments) {
            if (segment instanceof ActiveDataSegment) {
                ActiveDataSegment active = (ActiveDataSegment) segment;
                if (active.index() != memoryIndex) {
                    continue;
                }
                int offset = (int) ConstantEvaluators.computeConstantValue(instance, active.offsetInstructions())[0];
                byte[] data = active.data();
                if (!fits(offset, data.length)) {
                    throw new UninstantiableException(outOfBoundsMessage(offset, data.length));
                }
                write(offset, data, 0, data.length);
            } else if (!(segment instanceof PassiveDataSegment)) {
                throw new ChicoryException("Data segment should be active or passive: " + segment);
            }
        }
    }

    @Override
    public void initPassiveSegment(int segmentId, int dest, int offset, int size) {
        byte[] data = dataSegments[segmentId].data();
        if (offset < 0 || size < 0 || (long) offset + size > data.length) {
            throw new WasmRuntimeException("out of bounds memory access: segment " + segmentId
                    + " has " + data.length + " bytes, asked for " + size + " at " + offset);
        }
        write(dest, data, offset, size);
    }

    @Override
    public void drop(int segment) {
        dataSegments[segment] = PassiveDataSegment.EMPTY;
    }

    // ---- plain access ----

    @Override
    public void write(int addr, byte[] data, int offset, int size) {
        if (offset < 0 || size < 0 || (long) offset + size > data.length) {
            throw new WasmRuntimeException("out of bounds memory access: source array of " + data.length
                    + " bytes, asked for " + size + " at " + offset);
        }
        try {
            memory.write(addr, data, offset, size);
        } catch (OutOfBoundsException e) {
            throw trap(e);
        }
    }

    @Override
    public byte read(int addr) {
        try {
            return memory.getI8(addr);
        } catch (OutOfBoundsException e) {
            throw trap(e);
        }
    }

    @Override
    public byte[] readBytes(int addr, int len) {
        if (len < 0) {
            throw new WasmRuntimeException(outOfBoundsMessage(addr, len));
        }
        try {
            byte[] result = new byte[len];
            memory.read(addr, result, 0, len);
            return result;
        } catch (OutOfBoundsException e) {
            throw trap(e);
        }
    }

    @Override
    public void writeI32(int addr, int data) {
        try {
            memory.putI32(addr, data);
        } catch (OutOfBoundsException e) {
            throw trap(e);
        }
    }

    @Override
    public int readInt(int addr) {
        try {
            return memory.getI32(addr);
        } catch (OutOfBoundsException e) {
            throw trap(e);
        }
    }

    @Override
    public void writeLong(int addr, long data) {
        try {
            memory.putI64(addr, data);
        } catch (OutOfBoundsException e) {
            throw trap(e);
        }
    }

    @Override
    public long readLong(int addr) {
        try {
            return memory.getI64(addr);
        } catch (OutOfBoundsException e) {
            throw trap(e);
        }
    }

    @Override
    public void writeShort(int addr, short data) {
        try {
            memory.putI16(addr, data);
        } catch (OutOfBoundsException e) {
            throw trap(e);
        }
    }

    @Override
    public short readShort(int addr) {
        try {
            return memory.getI16(addr);
        } catch (OutOfBoundsException e) {
            throw trap(e);
        }
    }

    @Override
    public long readU16(int addr) {
        return readShort(addr) & 0xFFFFL;
    }

    @Override
    public void writeByte(int addr, byte data) {
        try {
            memory.putI8(addr, data);
        } catch (OutOfBoundsException e) {
            throw trap(e);
        }
    }

    @Override
    public void writeF32(int addr, float data) {
        try {
            memory.putF32(addr, data);
        } catch (OutOfBoundsException e) {
            throw trap(e);
        }
    }

    @Override
    public long readF32(int addr) {
        return readInt(addr);
    }

    @Override
    public float readFloat(int addr) {
        try {
            return memory.getF32(addr);
        } catch (OutOfBoundsException e) {
            throw trap(e);
        }
    }

    @Override
    public void writeF64(int addr, double data) {
        try {
            memory.putF64(addr, data);
        } catch (OutOfBoundsException e) {
            throw trap(e);
        }
    }

    @Override
    public double readDouble(int addr) {
        try {
            return memory.getF64(addr);
        } catch (OutOfBoundsException e) {
            throw trap(e);
        }
    }

    @Override
    public long readF64(int addr) {
        return readLong(addr);
    }

    // ---- bulk ----

    @Override
    public void zero() {
        fill((byte) 0, 0, (int) Math.min(memory.sizeBytes(), Integer.MAX_VALUE));
    }

    @Override
    public void fill(byte value, int fromIndex, int toIndex) {
        long length = (long) toIndex - fromIndex;
        if (length < 0) {
            throw new WasmRuntimeException(outOfBoundsMessage(fromIndex, length));
        }
        try {
            memory.fill(fromIndex, length, value);
        } catch (OutOfBoundsException e) {
            throw trap(e);
        }
    }

    @Override
    public void copy(int dest, int src, int size) {
        if (size < 0) {
            throw new WasmRuntimeException(outOfBoundsMessage(src, size));
        }
        try {
            memory.copy(dest, src, size);
        } catch (OutOfBoundsException e) {
            throw trap(e);
        }
    }

    // ---- atomics ----

    @Override
    public void atomicFence() {
        java.lang.invoke.VarHandle.fullFence();
    }

    @Override
    public int atomicReadInt(int addr) {
        try {
            return memory.atomicLoadI32(addr);
        } catch (OutOfBoundsException e) {
            throw trap(e);
        } catch (UnalignedAtomicException e) {
            throw unaligned(e);
        }
    }

    @Override
    public long atomicReadLong(int addr) {
        try {
            return memory.atomicLoadI64(addr);
        } catch (OutOfBoundsException e) {
            throw trap(e);
        } catch (UnalignedAtomicException e) {
            throw unaligned(e);
        }
    }

    @Override
    public short atomicReadShort(int addr) {
        checkNarrowAtomic(addr, 2);
        return (short) narrowGet(addr, 0xFFFF);
    }

    @Override
    public byte atomicReadByte(int addr) {
        checkNarrowAtomic(addr, 1);
        return (byte) narrowGet(addr, 0xFF);
    }

    @Override
    public void atomicWriteInt(int addr, int value) {
        try {
            memory.atomicStoreI32(addr, value);
        } catch (OutOfBoundsException e) {
            throw trap(e);
        } catch (UnalignedAtomicException e) {
            throw unaligned(e);
        }
    }

    @Override
    public void atomicWriteLong(int addr, long value) {
        try {
            memory.atomicStoreI64(addr, value);
        } catch (OutOfBoundsException e) {
            throw trap(e);
        } catch (UnalignedAtomicException e) {
            throw unaligned(e);
        }
    }

    @Override
    public void atomicWriteShort(int addr, short value) {
        checkNarrowAtomic(addr, 2);
        narrowUpdate(addr, 0xFFFF, NarrowOp.XCHG, value);
    }

    @Override
    public void atomicWriteByte(int addr, byte value) {
        checkNarrowAtomic(addr, 1);
        narrowUpdate(addr, 0xFF, NarrowOp.XCHG, value);
    }

    @Override
    public int atomicAddInt(int addr, int delta) {
        try {
            return memory.atomicAddI32(addr, delta);
        } catch (OutOfBoundsException e) {
            throw trap(e);
        } catch (UnalignedAtomicException e) {
            throw unaligned(e);
        }
    }

    @Override
    public int atomicAndInt(int addr, int mask) {
        try {
            return memory.atomicAndI32(addr, mask);
        } catch (OutOfBoundsException e) {
            throw trap(e);
        } catch (UnalignedAtomicException e) {
            throw unaligned(e);
        }
    }

    @Override
    public int atomicOrInt(int addr, int mask) {
        try {
            return memory.atomicOrI32(addr, mask);
        } catch (OutOfBoundsException e) {
            throw trap(e);
        } catch (UnalignedAtomicException e) {
            throw unaligned(e);
        }
    }

    @Override
    public int atomicXorInt(int addr, int mask) {
        try {
            return memory.atomicXorI32(addr, mask);
        } catch (OutOfBoundsException e) {
            throw trap(e);
        } catch (UnalignedAtomicException e) {
            throw unaligned(e);
        }
    }

    @Override
    public int atomicXchgInt(int addr, int value) {
        try {
            return memory.atomicExchangeI32(addr, value);
        } catch (OutOfBoundsException e) {
            throw trap(e);
        } catch (UnalignedAtomicException e) {
            throw unaligned(e);
        }
    }

    @Override
    public int atomicCmpxchgInt(int addr, int expected, int replacement) {
        try {
            return memory.atomicCompareExchangeI32(addr, expected, replacement);
        } catch (OutOfBoundsException e) {
            throw trap(e);
        } catch (UnalignedAtomicException e) {
            throw unaligned(e);
        }
    }

    @Override
    public long atomicAddLong(int addr, long delta) {
        try {
            return memory.atomicAddI64(addr, delta);
        } catch (OutOfBoundsException e) {
            throw trap(e);
        } catch (UnalignedAtomicException e) {
            throw unaligned(e);
        }
    }

    @Override
    public long atomicAndLong(int addr, long mask) {
        try {
            return memory.atomicAndI64(addr, mask);
        } catch (OutOfBoundsException e) {
            throw trap(e);
        } catch (UnalignedAtomicException e) {
            throw unaligned(e);
        }
    }

    @Override
    public long atomicOrLong(int addr, long mask) {
        try {
            return memory.atomicOrI64(addr, mask);
        } catch (OutOfBoundsException e) {
            throw trap(e);
        } catch (UnalignedAtomicException e) {
            throw unaligned(e);
        }
    }

    @Override
    public long atomicXorLong(int addr, long mask) {
        try {
            return memory.atomicXorI64(addr, mask);
        } catch (OutOfBoundsException e) {
            throw trap(e);
        } catch (UnalignedAtomicException e) {
            throw unaligned(e);
        }
    }

    @Override
    public long atomicXchgLong(int addr, long value) {
        try {
            return memory.atomicExchangeI64(addr, value);
        } catch (OutOfBoundsException e) {
            throw trap(e);
        } catch (UnalignedAtomicException e) {
            throw unaligned(e);
        }
    }

    @Override
    public long atomicCmpxchgLong(int addr, long expected, long replacement) {
        try {
            return memory.atomicCompareExchangeI64(addr, expected, replacement);
        } catch (OutOfBoundsException e) {
            throw trap(e);
        } catch (UnalignedAtomicException e) {
            throw unaligned(e);
        }
    }

    @Override
    public short atomicAddShort(int addr, short delta) {
        checkNarrowAtomic(addr, 2);
        return (short) narrowUpdate(addr, 0xFFFF, NarrowOp.ADD, delta);
    }

    @Override
    public short atomicAndShort(int addr, short mask) {
        checkNarrowAtomic(addr, 2);
        return (short) narrowUpdate(addr, 0xFFFF, NarrowOp.AND, mask);
    }

    @Override
    public short atomicOrShort(int addr, short mask) {
        checkNarrowAtomic(addr, 2);
        return (short) narrowUpdate(addr, 0xFFFF, NarrowOp.OR, mask);
    }

    @Override
    public short atomicXorShort(int addr, short mask) {
        checkNarrowAtomic(addr, 2);
        return (short) narrowUpdate(addr, 0xFFFF, NarrowOp.XOR, mask);
    }

    @Override
    public short atomicXchgShort(int addr, short value) {
        checkNarrowAtomic(addr, 2);
        return (short) narrowUpdate(addr, 0xFFFF, NarrowOp.XCHG, value);
    }

    @Override
    public short atomicCmpxchgShort(int addr, short expected, short replacement) {
        checkNarrowAtomic(addr, 2);
        return (short) narrowCompareExchange(addr, 0xFFFF, expected, replacement);
    }

    @Override
    public byte atomicAddByte(int addr, byte delta) {
        checkNarrowAtomic(addr, 1);
        return (byte) narrowUpdate(addr, 0xFF, NarrowOp.ADD, delta);
    }

    @Override
    public byte atomicAndByte(int addr, byte mask) {
        checkNarrowAtomic(addr, 1);
        return (byte) narrowUpdate(addr, 0xFF, NarrowOp.AND, mask);
    }

    @Override
    public byte atomicOrByte(int addr, byte mask) {
        checkNarrowAtomic(addr, 1);
        return (byte) narrowUpdate(addr, 0xFF, NarrowOp.OR, mask);
    }

    @Override
    public byte atomicXorByte(int addr, byte mask) {
        checkNarrowAtomic(addr, 1);
        return (byte) narrowUpdate(addr, 0xFF, NarrowOp.XOR, mask);
    }

    @Override
    public byte atomicXchgByte(int addr, byte value) {
        checkNarrowAtomic(addr, 1);
        return (byte) narrowUpdate(addr, 0xFF, NarrowOp.XCHG, value);
    }

    @Override
    public byte atomicCmpxchgByte(int addr, byte expected, byte replacement) {
        checkNarrowAtomic(addr, 1);
        return (byte) narrowCompareExchange(addr, 0xFF, expected, replacement);
    }

    // ---- wait / notify ----

    @Override
    public int atomicWait(int addr, int expected, long timeoutNanos) {
        checkWait(addr, 4);
        return memory.wait32(addr, expected, timeoutNanos);
    }

    @Override
    public int atomicWait(int addr, long expected, long timeoutNanos) {
        checkWait(addr, 8);
        return memory.wait64(addr, expected, timeoutNanos);
    }

    @Override
    public int atomicNotify(int addr, int maxThreads) {
        try {
            return memory.notify(addr, maxThreads < 0 ? Integer.MAX_VALUE : maxThreads);
        } catch (OutOfBoundsException e) {
            throw trap(e);
        } catch (UnalignedAtomicException e) {
            throw unaligned(e);
        }
    }

    /** Chicory's deprecated wait entry point; same as {@link #atomicWait(int, int, long)}. */
    @Override
    @Deprecated
    @SuppressWarnings("removal")
    public int waitOn(int address, int expected, long timeout) {
        return atomicWait(address, expected, timeout);
    }

    /** Chicory's deprecated wait entry point; same as {@link #atomicWait(int, long, long)}. */
    @Override
    @Deprecated
    @SuppressWarnings("removal")
    public int waitOn(int address, long expected, long timeout) {
        return atomicWait(address, expected, timeout);
    }

    /** Chicory's deprecated notify entry point; same as {@link #atomicNotify(int, int)}. */
    @Override
    @Deprecated
    @SuppressWarnings("removal")
    public int notify(int address, int maxThreads) {
        return atomicNotify(address, maxThreads);
    }

    /**
     * Chicory's deprecated per-address monitor, used only by {@link Memory}'s lock-based default
     * atomics, all of which this class overrides. Returns this memory, so code that still
     * synchronises on it is mutually exclusive with itself, as before.
     */
    @Override
    @Deprecated
    @SuppressWarnings("removal")
    public Object lock(int address) {
        return this;
    }

    // ---- helpers ----

    private enum NarrowOp { ADD, AND, OR, XOR, XCHG }

    private void checkWait(int addr, int widthBytes) {
        if (!shared()) {
            throw new ChicoryException("Attempt to wait on a non-shared memory, not supported.");
        }
        if (!fits(addr, widthBytes)) {
            throw new WasmRuntimeException(outOfBoundsMessage(addr, widthBytes));
        }
        if ((addr & (widthBytes - 1)) != 0) {
            throw new InvalidException("unaligned atomic");
        }
    }

    private void checkNarrowAtomic(int addr, int widthBytes) {
        if (!fits(addr, widthBytes)) {
            throw new WasmRuntimeException(outOfBoundsMessage(addr, widthBytes));
        }
        if ((addr & (widthBytes - 1)) != 0) {
            throw new InvalidException("unaligned atomic");
        }
    }

    /** Reads the narrow value at {@code addr} atomically, through its aligned 32-bit word. */
    private int narrowGet(int addr, int mask) {
        int shift = (addr & 3) * 8;
        return (memory.atomicLoadI32(addr & ~3) >>> shift) & mask;
    }

    /** Applies {@code op} to the narrow value at {@code addr} with a CAS loop; returns the old value. */
    private int narrowUpdate(int addr, int mask, NarrowOp op, int operand) {
        int word = addr & ~3;
        int shift = (addr & 3) * 8;
        int wordMask = mask << shift;
        while (true) {
            int current = memory.atomicLoadI32(word);
            int old = (current >>> shift) & mask;
            int updated;
            switch (op) {
                case ADD: updated = old + operand; break;
                case AND: updated = old & operand; break;
                case OR: updated = old | operand; break;
                case XOR: updated = old ^ operand; break;
                default: updated = operand; break;
            }
            int next = (current & ~wordMask) | ((updated & mask) << shift);
            if (memory.atomicCompareExchangeI32(word, current, next) == current) {
                return old;
            }
        }
    }

    private int narrowCompareExchange(int addr, int mask, int expected, int replacement) {
        int word = addr & ~3;
        int shift = (addr & 3) * 8;
        int wordMask = mask << shift;
        while (true) {
            int current = memory.atomicLoadI32(word);
            int old = (current >>> shift) & mask;
            if (old != (expected & mask)) {
                return old;
            }
            int next = (current & ~wordMask) | ((replacement & mask) << shift);
            if (memory.atomicCompareExchangeI32(word, current, next) == current) {
                return old;
            }
        }
    }

    private boolean fits(long addr, long lengthBytes) {
        return addr >= 0 && lengthBytes >= 0 && addr + lengthBytes <= memory.sizeBytes();
    }

    private String outOfBoundsMessage(long addr, long lengthBytes) {
        return "out of bounds memory access: attempted to access address: " + addr
                + " but limit is: " + memory.sizeBytes() + " and size: " + lengthBytes;
    }

    private static WasmRuntimeException trap(OutOfBoundsException e) {
        return new WasmRuntimeException(
                "out of bounds memory access: attempted to access address: " + e.address()
                        + " but limit is: " + e.sizeBytes() + " and size: " + e.lengthBytes(), e);
    }

    private static InvalidException unaligned(UnalignedAtomicException e) {
        return new InvalidException("unaligned atomic", e);
    }
}
