package dev.linmem.memory;

import java.nio.ByteBuffer;

/**
 * A wasm linear memory: a byte array addressed by {@code long}, sized in 64 KiB wasm pages,
 * that only grows.
 *
 * <p>Every access names its bytes by address and length. Any byte at or beyond
 * {@link #sizeBytes()}, a negative address, or an {@code address + length} that overflows makes
 * the access throw {@link OutOfBoundsException} before anything is written. Multi-byte values
 * are little-endian and may be unaligned, except atomics, which must be naturally aligned
 * ({@link UnalignedAtomicException}).
 *
 * <p>Implementations are thread-safe in the sense of the wasm threads proposal: plain accesses
 * may race (as in wasm), {@link #grow} is atomic with respect to concurrent accesses, and the
 * atomic operations are sequentially consistent.
 */
public interface LinearMemory {

    /** Bytes in one wasm page (the spec's fixed page size). */
    int PAGE_BYTES = 65_536;

    /** log2 of {@link #PAGE_BYTES}. */
    int PAGE_SHIFT = 16;

    /** Creates a memory of the given type with heap backing. */
    static LinearMemory create(MemoryType type) {
        return builder(type).build();
    }

    /** Creates a memory of the given type with the given backing. */
    static LinearMemory create(MemoryType type, Backing backing) {
        return builder(type).backing(backing).build();
    }

    /** A builder for a memory of the given type. */
    static LinearMemoryBuilder builder(MemoryType type) {
        return new LinearMemoryBuilder(type);
    }

    /** The type this memory was created with. */
    MemoryType type();

    /** Current size in wasm pages. */
    long pages();

    /** Current size in bytes ({@code pages() * PAGE_BYTES}). */
    long sizeBytes();

    /**
     * Grows the memory by {@code deltaPages} wasm pages. Existing bytes never move; new pages are
     * not allocated until written (lazy commit).
     *
     * @return the size in pages before growing, or -1 when the maximum would be exceeded or the
     *     host cannot supply the memory; never throws for those. New pages read zero.
     * @throws IllegalArgumentException if {@code deltaPages} is negative
     */
    long grow(long deltaPages);

    byte getI8(long address);

    void putI8(long address, byte value);

    short getI16(long address);

    void putI16(long address, short value);

    int getI32(long address);

    void putI32(long address, int value);

    long getI64(long address);

    void putI64(long address, long value);

    float getF32(long address);

    void putF32(long address, float value);

    double getF64(long address);

    void putF64(long address, double value);

    /** Copies {@code length} bytes from memory at {@code address} into {@code dst[dstOffset..]}. */
    void read(long address, byte[] dst, int dstOffset, int length);

    /** Copies {@code length} bytes from {@code src[srcOffset..]} into memory at {@code address}. */
    void write(long address, byte[] src, int srcOffset, int length);

    /** Fills {@code dst}'s remaining bytes from memory at {@code address}; advances its position. */
    void read(long address, ByteBuffer dst);

    /** Writes {@code src}'s remaining bytes into memory at {@code address}; advances its position. */
    void write(long address, ByteBuffer src);

    /** Copies {@code lengthBytes} bytes from {@code srcAddress} to {@code dstAddress} (memmove: overlap allowed). */
    void copy(long dstAddress, long srcAddress, long lengthBytes);

    /** Sets {@code lengthBytes} bytes at {@code address} to {@code value}. */
    void fill(long address, long lengthBytes, byte value);

    /**
     * Zeroes the whole wasm pages in {@code [address, address + lengthBytes)} and releases their
     * backing (memory-control proposal). Both must be multiples of {@link #PAGE_BYTES}.
     */
    void discard(long address, long lengthBytes);

    // Atomics (threads proposal). Addresses must be naturally aligned.

    int atomicLoadI32(long address);

    void atomicStoreI32(long address, int value);

    /** Returns the previous value. */
    int atomicAddI32(long address, int delta);

    int atomicSubI32(long address, int delta);

    int atomicAndI32(long address, int mask);

    int atomicOrI32(long address, int mask);

    int atomicXorI32(long address, int mask);

    int atomicExchangeI32(long address, int value);

    /** Returns the value read; the store happened when it equals {@code expected}. */
    int atomicCompareExchangeI32(long address, int expected, int replacement);

    long atomicLoadI64(long address);

    void atomicStoreI64(long address, long value);

    long atomicAddI64(long address, long delta);

    long atomicSubI64(long address, long delta);

    long atomicAndI64(long address, long mask);

    long atomicOrI64(long address, long mask);

    long atomicXorI64(long address, long mask);

    long atomicExchangeI64(long address, long value);

    long atomicCompareExchangeI64(long address, long expected, long replacement);

    /**
     * {@code memory.atomic.wait32}: 0 ("ok", woken), 1 ("not-equal"), 2 ("timed-out"). A thread
     * interrupted while waiting stops, keeps its interrupt status and gets 2.
     *
     * @param timeoutNanos negative for no timeout
     * @throws IllegalStateException on an unshared memory (the spec traps)
     */
    int wait32(long address, int expected, long timeoutNanos);

    /** {@code memory.atomic.wait64}; see {@link #wait32}. */
    int wait64(long address, long expected, long timeoutNanos);

    /**
     * {@code memory.atomic.notify}: wakes at most {@code count} waiters on the address, oldest
     * first; returns how many woke. {@code count} is the instruction's unsigned i32, so a
     * negative value means at least 2^31 ({@code -1} wakes all). Returns 0 on an unshared memory.
     */
    int notify(long address, int count);

    /** A snapshot of this memory's statistics. */
    LinearMemoryStats stats();

    /**
     * Checks the implementation's structural invariants (size, page table, commit count, waiter
     * queues). Call it while no other thread uses the memory.
     *
     * @throws IllegalStateException naming the first invariant found broken
     */
    void checkInvariants();
}
