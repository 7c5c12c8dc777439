package dev.linmem.memory;

import static dev.linmem.memory.LinearMemory.PAGE_BYTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link LinearMemory} must have, whatever its backing, address type or
 * sharing. Each subclass fixes those three and inherits every test.
 */
abstract class LinearMemoryContract {

    private final AddressType addressType;
    private final Backing backing;
    private final boolean shared;
    /** log2 of the wasm pages per slab for wasm32 kinds, or -1 for the builder's own choice. */
    private final int slabShift;
    private LinearMemory lastCreated;

    LinearMemoryContract(AddressType addressType, Backing backing, boolean shared) {
        this(addressType, backing, shared, -1);
    }

    /** A wasm32 kind whose pages live in slabs of {@code 2^slabShift} pages, even in small memories. */
    LinearMemoryContract(AddressType addressType, Backing backing, boolean shared, int slabShift) {
        this.addressType = addressType;
        this.backing = backing;
        this.shared = shared;
        this.slabShift = slabShift;
    }

    /** A memory of this contract's kind; a shared memory without a maximum gets its address type's bound. */
    LinearMemory memory(long initialPages, long maximumPages) {
        return memory(initialPages, maximumPages, LinearMemoryBuilder::hostLimitPages);
    }

    /** As {@link #memory(long, long)}, with a host limit. */
    LinearMemory memoryWithHostLimit(long initialPages, long maximumPages, long hostLimitPages) {
        LinearMemoryBuilder builder = builder(initialPages, maximumPages).hostLimitPages(hostLimitPages);
        lastCreated = builder.build();
        return lastCreated;
    }

    private LinearMemory memory(long initialPages, long maximumPages, Consumer<LinearMemoryBuilder> configure) {
        LinearMemoryBuilder builder = builder(initialPages, maximumPages);
        configure.accept(builder);
        lastCreated = builder.build();
        return lastCreated;
    }

    private LinearMemoryBuilder builder(long initialPages, long maximumPages) {
        long max = maximumPages;
        if (shared && max == MemoryType.NO_MAXIMUM) {
            max = addressType == AddressType.I32 ? AddressType.I32.maxPages() : 1L << 18;
        }
        MemoryType type = new MemoryType(initialPages, max, addressType, shared);
        LinearMemoryBuilder builder = LinearMemory.builder(type).backing(backing);
        return slabShift < 0 ? builder : builder.slabShift(slabShift);
    }

    LinearMemory memory(long initialPages) {
        return memory(initialPages, MemoryType.NO_MAXIMUM);
    }

    boolean isShared() {
        return shared;
    }

    AddressType addressType() {
        return addressType;
    }

    @AfterEach
    void invariantsHoldAfterEveryTest() {
        if (lastCreated != null) {
            lastCreated.checkInvariants();
        }
    }

    // ------------------------------------------------------------------ creation and growth

    @Test
    void aNewMemoryHasItsInitialSizeReadsZeroAndCommitsNothing() {
        LinearMemory memory = memory(3);
        assertThat(memory.pages()).isEqualTo(3);
        assertThat(memory.sizeBytes()).isEqualTo(3L * PAGE_BYTES);
        assertThat(memory.type().addressType()).isEqualTo(addressType);
        assertThat(memory.type().shared()).isEqualTo(shared);
        for (long address : new long[] {0, 1, PAGE_BYTES - 1, PAGE_BYTES, 3L * PAGE_BYTES - 8}) {
            assertThat(memory.getI8(address)).isZero();
            assertThat(memory.getI64(address)).isZero();
            assertThat(memory.getF64(address)).isZero();
        }
        byte[] all = new byte[3 * PAGE_BYTES];
        Arrays.fill(all, (byte) 7);
        memory.read(0, all, 0, all.length);
        assertThat(all).containsOnly(0);
        assertThat(memory.stats()).isEqualTo(new LinearMemoryStats(3, 0, 3, 0, 0));
    }

    @Test
    void aMemoryOfZeroPagesRejectsEveryAccess() {
        LinearMemory memory = memory(0);
        assertThat(memory.sizeBytes()).isZero();
        assertThatThrownBy(() -> memory.getI8(0)).isInstanceOf(OutOfBoundsException.class);
        assertThatThrownBy(() -> memory.putI8(0, (byte) 1)).isInstanceOf(OutOfBoundsException.class);
        memory.fill(0, 0, (byte) 1); // empty range at the end is in bounds
        memory.copy(0, 0, 0);
    }

    @Test
    void growReturnsTheOldSizeAndNewPagesReadZero() {
        LinearMemory memory = memory(1, 10);
        memory.putI8(PAGE_BYTES - 1, (byte) 0x5A);
        assertThat(memory.grow(2)).isEqualTo(1);
        assertThat(memory.pages()).isEqualTo(3);
        assertThat(memory.getI8(PAGE_BYTES - 1)).isEqualTo((byte) 0x5A);
        for (long address = PAGE_BYTES; address < 3L * PAGE_BYTES; address += 4093) {
            assertThat(memory.getI32(address)).isZero();
        }
        assertThat(memory.grow(0)).isEqualTo(3);
        assertThat(memory.stats().growCalls()).isEqualTo(1);
        assertThat(memory.stats().peakPages()).isEqualTo(3);
    }

    @Test
    void growRejectsANegativeDelta() {
        LinearMemory memory = memory(1, 10);
        assertThatThrownBy(() -> memory.grow(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(memory.pages()).isEqualTo(1);
    }

    @Test
    void growBeyondTheMaximumReturnsMinusOneAndChangesNothing() {
        LinearMemory memory = memory(1, 4);
        assertThat(memory.grow(4)).isEqualTo(-1);
        assertThat(memory.grow(Long.MAX_VALUE)).isEqualTo(-1);
        assertThat(memory.pages()).isEqualTo(1);
        assertThat(memory.grow(3)).isEqualTo(1);
        assertThat(memory.grow(1)).isEqualTo(-1);
        assertThat(memory.pages()).isEqualTo(4);
        assertThat(memory.stats().growCalls()).isEqualTo(1);
    }

    @Test
    void growBeyondTheHostLimitReturnsMinusOne() {
        LinearMemory memory = memoryWithHostLimit(1, MemoryType.NO_MAXIMUM, 8);
        assertThat(memory.grow(7)).isEqualTo(1);
        assertThat(memory.grow(1)).isEqualTo(-1);
        assertThat(memory.pages()).isEqualTo(8);
    }

    @Test
    void growsPageByPageWithoutMovingBytes() {
        LinearMemory memory = memory(0, 300);
        for (int page = 0; page < 300; page++) {
            assertThat(memory.grow(1)).isEqualTo(page);
            memory.putI32((long) page * PAGE_BYTES + 16, page);
        }
        assertThat(memory.grow(1)).isEqualTo(-1);
        for (int page = 0; page < 300; page++) {
            assertThat(memory.getI32((long) page * PAGE_BYTES + 16)).isEqualTo(page);
        }
        assertThat(memory.stats().committedPages()).isEqualTo(300);
        assertThat(memory.stats().growCalls()).isEqualTo(300);
    }

    @Test
    void growsToTheWholeAddressRangeWithoutCommittingIt() {
        long maxPages = addressType == AddressType.I32 ? AddressType.I32.maxPages() : 70_000;
        LinearMemory memory = addressType == AddressType.I32
                ? memory(1)
                : memoryWithHostLimit(1, MemoryType.NO_MAXIMUM, maxPages);
        assertThat(memory.grow(maxPages - 1)).isEqualTo(1);
        assertThat(memory.pages()).isEqualTo(maxPages);
        assertThat(memory.grow(1)).isEqualTo(-1);
        long last = maxPages * PAGE_BYTES - 1;
        memory.putI8(last, (byte) 0x7F);
        memory.putI64(last - 8, 0x0102030405060708L);
        assertThat(memory.getI8(last)).isEqualTo((byte) 0x7F);
        assertThat(memory.getI64(last - 8)).isEqualTo(0x0102030405060708L);
        assertThat(memory.getI32(last / 2)).isZero();
        assertThatThrownBy(() -> memory.getI8(last + 1)).isInstanceOf(OutOfBoundsException.class);
        assertThat(memory.stats().committedPages()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ layout

    @Test
    void valuesAreLittleEndianByteByByte() {
        LinearMemory memory = memory(1);
        memory.putI64(8, 0x0807060504030201L);
        for (int i = 0; i < 8; i++) {
            assertThat(memory.getI8(8 + i)).isEqualTo((byte) (i + 1));
        }
        memory.putI32(32, 0xA1B2C3D4);
        assertThat(bytes(memory, 32, 4)).containsExactly(0xD4, 0xC3, 0xB2, 0xA1);
        memory.putI16(40, (short) 0xBEEF);
        assertThat(bytes(memory, 40, 2)).containsExactly(0xEF, 0xBE);
        memory.putF32(48, 1.0f); // 0x3F800000
        assertThat(bytes(memory, 48, 4)).containsExactly(0x00, 0x00, 0x80, 0x3F);
        memory.putF64(56, -2.0); // 0xC000000000000000
        assertThat(bytes(memory, 56, 8)).containsExactly(0, 0, 0, 0, 0, 0, 0, 0xC0);
        assertThat(memory.getI16(9)).isEqualTo((short) 0x0302);
        assertThat(memory.getI32(9)).isEqualTo(0x05040302);
        assertThat(memory.getI64(9)).isEqualTo(0x0008_0706_0504_0302L);
    }

    @Test
    void floatsKeepTheirExactBits() {
        LinearMemory memory = memory(1);
        float nan = Float.intBitsToFloat(0x7FC0_0001);
        memory.putF32(4, nan);
        assertThat(Float.floatToRawIntBits(memory.getF32(4))).isEqualTo(0x7FC0_0001);
        double nan64 = Double.longBitsToDouble(0x7FF0_0000_0000_0003L);
        memory.putF64(16, nan64);
        assertThat(Double.doubleToRawLongBits(memory.getF64(16))).isEqualTo(0x7FF0_0000_0000_0003L);
        assertThat(memory.getI64(16)).isEqualTo(0x7FF0_0000_0000_0003L);
    }

    @Test
    void accessesStraddlingAPageBoundaryReadAndWriteBothPages() {
        LinearMemory memory = memory(3);
        for (int width : new int[] {2, 4, 8}) {
            for (int before = 1; before < width; before++) {
                long address = 2L * PAGE_BYTES - before;
                long value = 0x1122334455667788L * before + width;
                putValue(memory, width, address, value);
                assertThat(getValue(memory, width, address)).isEqualTo(truncate(value, width));
                for (int i = 0; i < width; i++) {
                    assertThat(memory.getI8(address + i) & 0xFF).isEqualTo((int) (value >>> (8 * i)) & 0xFF);
                }
                memory.fill(address - 8, 16 + width, (byte) 0);
            }
        }
        memory.putF64(PAGE_BYTES - 3, Math.PI);
        assertThat(memory.getF64(PAGE_BYTES - 3)).isEqualTo(Math.PI);
        memory.putF32(PAGE_BYTES - 1, 2.5f);
        assertThat(memory.getF32(PAGE_BYTES - 1)).isEqualTo(2.5f);
    }

    @Test
    void aStraddlingReadOverAnUncommittedPageSeesZeros() {
        LinearMemory memory = memoryAboveTheLowSlab(2);
        long base = lowSlabBytes();
        memory.putI8(base + PAGE_BYTES - 1, (byte) 0xFF);
        assertThat(memory.getI32(base + PAGE_BYTES - 1)).isEqualTo(0xFF);
        assertThat(memory.getI64(base + PAGE_BYTES - 4)).isEqualTo(0xFF00_0000L);
        assertThat(memory.stats().committedPages()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ bulk

    @Test
    void bulkByteArraysRoundTripAcrossPages() {
        LinearMemory memory = memory(4);
        byte[] data = randomBytes(3 * PAGE_BYTES + 123, 1);
        memory.write(PAGE_BYTES / 2, data, 0, data.length);
        byte[] back = new byte[data.length + 10];
        memory.read(PAGE_BYTES / 2, back, 5, data.length);
        assertThat(Arrays.copyOfRange(back, 5, 5 + data.length)).isEqualTo(data);
        assertThat(memory.getI8(PAGE_BYTES / 2 - 1)).isZero();
        assertThat(memory.getI8(PAGE_BYTES / 2 + data.length)).isZero();
        byte[] part = new byte[10];
        memory.write(100, data, 50, 10);
        memory.read(100, part, 0, 10);
        assertThat(part).isEqualTo(Arrays.copyOfRange(data, 50, 60));
    }

    @Test
    void bulkByteBuffersRoundTripAcrossPagesAndAdvanceTheirPosition() {
        LinearMemory memory = memory(3);
        byte[] data = randomBytes(PAGE_BYTES + 4000, 2);
        for (ByteBuffer src : new ByteBuffer[] {ByteBuffer.wrap(data), direct(data)}) {
            src.position(3);
            memory.write(PAGE_BYTES - 100, src);
            assertThat(src.remaining()).isZero();
            for (ByteBuffer dst : new ByteBuffer[] {ByteBuffer.allocate(data.length - 3), ByteBuffer.allocateDirect(data.length - 3)}) {
                memory.read(PAGE_BYTES - 100, dst);
                assertThat(dst.remaining()).isZero();
                dst.flip();
                byte[] back = new byte[dst.remaining()];
                dst.get(back);
                assertThat(back).isEqualTo(Arrays.copyOfRange(data, 3, data.length));
            }
        }
        ByteBuffer zeros = ByteBuffer.allocate(16);
        zeros.put(0, (byte) 9);
        memory.read(2L * PAGE_BYTES + 10_000, zeros);
        assertThat(zeros.array()).containsOnly(0);
    }

    @Test
    void copyIsMemmoveForOverlapsInBothDirections() {
        int[] distances = {1, 7, 100, PAGE_BYTES - 1, PAGE_BYTES, PAGE_BYTES + 3};
        int[] lengths = {0, 1, 13, 4096, PAGE_BYTES + 17, 2 * PAGE_BYTES + 5};
        LinearMemory memory = memory(6);
        byte[] model = randomBytes(6 * PAGE_BYTES, 3);
        memory.write(0, model, 0, model.length);
        SplittableRandom random = new SplittableRandom(4);
        for (int distance : distances) {
            for (int length : lengths) {
                for (int direction : new int[] {1, -1}) {
                    long low = random.nextInt(PAGE_BYTES);
                    long src = direction > 0 ? low : low + distance;
                    long dst = direction > 0 ? low + distance : low;
                    if (Math.max(src, dst) + length > model.length) {
                        continue;
                    }
                    memory.copy(dst, src, length);
                    System.arraycopy(model, (int) src, model, (int) dst, length);
                }
            }
        }
        byte[] back = new byte[model.length];
        memory.read(0, back, 0, back.length);
        assertThat(back).isEqualTo(model);
    }

    @Test
    void copyFromUncommittedPagesWritesZeros() {
        LinearMemory memory = memoryAboveTheLowSlab(4);
        long base = lowSlabBytes();
        memory.fill(base + 2L * PAGE_BYTES, PAGE_BYTES, (byte) 1);
        memory.copy(base + 2L * PAGE_BYTES + 10, base + 10, PAGE_BYTES);
        assertThat(memory.getI8(base + 2L * PAGE_BYTES + 9)).isEqualTo((byte) 1);
        assertThat(memory.getI8(base + 2L * PAGE_BYTES + 10)).isZero();
        assertThat(memory.getI8(base + 3L * PAGE_BYTES - 1)).isZero();
        assertThat(memory.getI8(base + 3L * PAGE_BYTES + 9)).isZero();
        assertThat(memory.stats().committedPages()).isEqualTo(1);
    }

    @Test
    void fillSetsExactlyItsRangeAndZeroFillDoesNotCommit() {
        LinearMemory memory = memoryAboveTheLowSlab(4);
        long base = lowSlabBytes();
        memory.fill(base + PAGE_BYTES - 3, PAGE_BYTES + 6, (byte) 0xAB);
        assertThat(memory.getI8(base + PAGE_BYTES - 4)).isZero();
        assertThat(memory.getI8(base + PAGE_BYTES - 3)).isEqualTo((byte) 0xAB);
        assertThat(memory.getI8(base + 2L * PAGE_BYTES + 2)).isEqualTo((byte) 0xAB);
        assertThat(memory.getI8(base + 2L * PAGE_BYTES + 3)).isZero();
        assertThat(memory.stats().committedPages()).isEqualTo(3);
        memory.fill(base + 3L * PAGE_BYTES, PAGE_BYTES, (byte) 0);
        assertThat(memory.stats().committedPages()).isEqualTo(3);
        memory.fill(base + PAGE_BYTES, 5, (byte) 0);
        assertThat(memory.getI8(base + PAGE_BYTES + 4)).isZero();
        assertThat(memory.getI8(base + PAGE_BYTES + 5)).isEqualTo((byte) 0xAB);
    }

    // ------------------------------------------------------------------ the low slab

    /** wasm32: {@link #theFirstWriteIntoTheLowSlabCommitsItWhole}; memory64, which has no slabs: page by page. */
    @Test
    void lowPagesAreCommittedAsTheAddressTypeSays() {
        if (addressType == AddressType.I64) {
            memory64CommitsEvenItsLowestPagesOneByOne();
        } else {
            theFirstWriteIntoTheLowSlabCommitsItWhole();
        }
    }

    private void memory64CommitsEvenItsLowestPagesOneByOne() {
        LinearMemory memory = memory(4);
        memory.putI64(8, -1L);
        assertThat(memory.stats().committedPages()).isEqualTo(1);
        memory.putI8(PAGE_BYTES, (byte) 1);
        assertThat(memory.stats().committedPages()).isEqualTo(2);
        memory.fill(0, PAGE_BYTES, (byte) 0);
        assertThat(memory.stats().committedPages()).isEqualTo(isShared() ? 2 : 1);
        assertThat(memory.getI64(8)).isZero();
        assertThat(memory.getI8(PAGE_BYTES)).isEqualTo((byte) 1);
    }

    /** The low slab's pages are committed together by its first write and stay so until discarded. */
    private void theFirstWriteIntoTheLowSlabCommitsItWhole() {
        long lowPages = lowSlabPages();
        LinearMemory memory = memoryAboveTheLowSlab(2);
        long lowEnd = lowSlabBytes();
        memory.putI64(lowEnd - 8, 0x0102030405060708L);
        assertThat(memory.stats().committedPages()).isEqualTo(lowPages);
        memory.putI32(0, 42);
        memory.putI16(lowEnd - 2, (short) -2);
        assertThat(memory.getI32(0)).isEqualTo(42);
        assertThat(memory.getI16(lowEnd - 2)).isEqualTo((short) -2);
        assertThat(memory.getI64(lowEnd - 4)).isEqualTo(0xFFFE_0304L);
        // a value across the low slab's end, written and read through both paths
        memory.putI64(lowEnd - 3, -1L);
        assertThat(memory.getI64(lowEnd - 3)).isEqualTo(-1L);
        assertThat(memory.getI8(lowEnd + 4)).isEqualTo((byte) -1);
        assertThat(memory.getI8(lowEnd + 5)).isZero();
        assertThat(memory.stats().committedPages()).isEqualTo(lowPages + 1);
        // a zero fill of a whole low page clears it but keeps it committed
        memory.fill(0, PAGE_BYTES, (byte) 0);
        assertThat(memory.getI32(0)).isZero();
        assertThat(memory.stats().committedPages()).isEqualTo(lowPages + 1);
        // discard releases a low page; a write into it commits the whole low slab again
        memory.putI8(0, (byte) 9);
        memory.discard(lowEnd - PAGE_BYTES, PAGE_BYTES);
        assertThat(memory.getI64(lowEnd - 8)).isZero();
        assertThat(memory.stats().committedPages()).isEqualTo(lowPages);
        memory.checkInvariants();
        memory.putI32(lowEnd - 16, 7);
        assertThat(memory.stats().committedPages()).isEqualTo(lowPages + 1);
        assertThat(memory.getI32(lowEnd - 16)).isEqualTo(7);
        assertThat(memory.getI64(lowEnd - 8)).isZero();
        assertThat(memory.getI8(0)).isEqualTo(lowPages == 1 ? (byte) 0 : (byte) 9);
    }

    /**
     * A low slab of four slabs (a memory's initial size, see {@link Slabs#lowSlabPagesFor}) acts
     * as one buffer: its first write commits all of it; values across its inner slab boundaries
     * and across its end read back through the fast path and, once a page of it is discarded,
     * through the page table; the discarded page reads zero until written, and nothing else changes.
     */
    @Test
    void aLowSlabOfSeveralSlabsActsAsOneBuffer() {
        boolean wasm32 = addressType == AddressType.I32;
        long slabPages = kindSlabPages();
        long lowPages = 4 * slabPages;
        LinearMemory memory = memory(lowPages);
        assertThat(memory.grow(2)).isEqualTo(lowPages);
        long lowEnd = lowPages * PAGE_BYTES;
        memory.putI8(lowEnd - 1, (byte) 1);
        assertThat(memory.stats().committedPages()).isEqualTo(wasm32 ? lowPages : 1);
        assertThat(fastPathBytes(memory)).as("bytes the fast path reaches").isEqualTo(wasm32 && !shared ? lowEnd : 0);
        long[] at = new long[4];
        for (int i = 0; i < at.length; i++) {
            at[i] = (i + 1) * slabPages * PAGE_BYTES - 3;
            memory.putI64(at[i], at[i] * 31 + 7);
        }
        for (long address : at) {
            assertThat(memory.getI64(address)).isEqualTo(address * 31 + 7);
        }
        long discarded = 2 * slabPages - 1;
        long start = discarded * PAGE_BYTES;
        memory.putI64(start + 1000, -1L);
        long committed = memory.stats().committedPages();
        memory.discard(start, PAGE_BYTES);
        assertThat(memory.stats().committedPages()).isEqualTo(committed - 1);
        assertThat(fastPathBytes(memory)).isZero();
        memory.checkInvariants();
        for (long address : at) {
            assertThat(memory.getI64(address)).as("value at %d", address)
                    .isEqualTo(withoutBytesIn(address * 31 + 7, address, start, start + PAGE_BYTES));
        }
        assertThat(memory.getI64(start + 1000)).isZero();
        memory.putI32(start + 100, 5);
        assertThat(memory.stats().committedPages()).isEqualTo(committed);
        assertThat(fastPathBytes(memory)).isEqualTo(wasm32 && !shared ? lowEnd : 0);
        assertThat(memory.getI32(start + 100)).isEqualTo(5);
        assertThat(memory.getI64(start + 1000)).isZero();
        for (long address : at) {
            assertThat(memory.getI64(address)).isEqualTo(withoutBytesIn(address * 31 + 7, address, start, start + PAGE_BYTES));
        }
        // discarding every low page, one of a later slab first, drops the low slab; a write then commits a zeroed one
        memory.discard(start, PAGE_BYTES);
        memory.discard(0, lowEnd);
        memory.checkInvariants();
        memory.putI8(0, (byte) 2);
        assertThat(memory.getI8(0)).isEqualTo((byte) 2);
        assertThat(memory.getI32(start + 100)).isZero();
        for (long address : at) {
            assertThat(memory.getI64(address)).isEqualTo(withoutBytesIn(address * 31 + 7, address, 0, lowEnd));
        }
    }

    /** {@link LinearMemoryBuilder#lowSlabMaxPages} caps the low slab (wasm32), never below one slab, and refuses what no buffer can hold. */
    @Test
    void lowSlabMaxPagesCapsTheLowSlab() {
        boolean wasm32 = addressType == AddressType.I32;
        long slabPages = kindSlabPages();
        long initial = 4 * slabPages;
        LinearMemory capped = builder(initial, MemoryType.NO_MAXIMUM).lowSlabMaxPages((int) (2 * slabPages)).build();
        capped.putI8(0, (byte) 3);
        assertThat(capped.stats().committedPages()).isEqualTo(wasm32 ? 2 * slabPages : 1);
        capped.putI8(initial * PAGE_BYTES - 1, (byte) 4);
        assertThat(capped.stats().committedPages()).isEqualTo(wasm32 ? 2 * slabPages + 1 : 2);
        assertThat(capped.getI8(0)).isEqualTo((byte) 3);
        assertThat(capped.getI8(initial * PAGE_BYTES - 1)).isEqualTo((byte) 4);
        capped.checkInvariants();

        LinearMemory oneSlab = builder(initial, MemoryType.NO_MAXIMUM).lowSlabMaxPages(0).build();
        oneSlab.putI8(0, (byte) 3);
        assertThat(oneSlab.stats().committedPages()).isEqualTo(wasm32 ? slabPages : 1);
        oneSlab.checkInvariants();

        LinearMemoryBuilder builder = builder(1, MemoryType.NO_MAXIMUM);
        assertThat(builder.lowSlabMaxPages()).isEqualTo(1_024);
        assertThatThrownBy(() -> builder.lowSlabMaxPages(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> builder.lowSlabMaxPages(32_768))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32768");
        assertThat(builder.lowSlabMaxPages(32_767).lowSlabMaxPages()).isEqualTo(32_767);
    }

    /** Bytes below which a scalar access takes the memory's fast path (its low slab in the field), 0 while it has none. */
    private static long fastPathBytes(LinearMemory memory) {
        if (memory instanceof HeapLinearMemory) {
            return ((HeapLinearMemory) memory).low.length;
        }
        if (memory instanceof DirectLinearMemory) {
            return ((DirectLinearMemory) memory).low.limit();
        }
        throw new AssertionError("unknown memory class " + memory.getClass());
    }

    /** Pages per slab of this kind's memories of 4 slabs: the test's own shift, or what the builder picks for 4 x 64 pages. */
    private long kindSlabPages() {
        return slabShift < 0 ? 64 : 1L << slabShift;
    }

    /** {@code value} stored little-endian at {@code address}, with its bytes in {@code [from, to)} zeroed. */
    private static long withoutBytesIn(long value, long address, long from, long to) {
        long result = value;
        for (int i = 0; i < 8; i++) {
            if (address + i >= from && address + i < to) {
                result &= ~(0xFFL << (8 * i));
            }
        }
        return result;
    }

    /** Pages of the low slab of a memory made by {@link #memoryAboveTheLowSlab}: one slab (none for memory64). */
    private long lowSlabPages() {
        if (addressType == AddressType.I64) {
            return 0;
        }
        return slabShift < 0 ? 1 : 1L << slabShift;
    }

    private long lowSlabBytes() {
        return lowSlabPages() * PAGE_BYTES;
    }

    /**
     * A memory created with exactly its low slab (see {@link Slabs}) and grown by {@code pagesAbove}
     * pages, whose pages from {@link #lowSlabBytes()} on are committed one by one.
     */
    private LinearMemory memoryAboveTheLowSlab(long pagesAbove) {
        LinearMemory memory = memory(Math.max(1, lowSlabPages()));
        long grown = memory.pages();
        assertThat(memory.grow(lowSlabPages() + pagesAbove - grown)).isEqualTo(grown);
        return memory;
    }

    // ------------------------------------------------------------------ bounds

    @Test
    void scalarAccessesAreCheckedAtEveryEdge() {
        LinearMemory memory = memory(2);
        long size = memory.sizeBytes();
        for (int width : new int[] {1, 2, 4, 8}) {
            putValue(memory, width, size - width, -1L);
            assertThat(getValue(memory, width, size - width)).isEqualTo(truncate(-1L, width));
            for (long bad : new long[] {size - width + 1, size, -1, -width, Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE - width + 2}) {
                assertThatThrownBy(() -> getValue(memory, width, bad))
                        .isInstanceOfSatisfying(OutOfBoundsException.class, e -> {
                            assertThat(e.address()).isEqualTo(bad);
                            assertThat(e.lengthBytes()).isEqualTo(width);
                            assertThat(e.sizeBytes()).isEqualTo(size);
                        });
                assertThatThrownBy(() -> putValue(memory, width, bad, 0)).isInstanceOf(OutOfBoundsException.class);
            }
        }
        assertThatThrownBy(() -> memory.getF32(size - 3)).isInstanceOf(OutOfBoundsException.class);
        assertThatThrownBy(() -> memory.putF64(size - 7, 1.0)).isInstanceOf(OutOfBoundsException.class);
    }

    @Test
    void bulkAccessesAreCheckedAtEveryEdge() {
        LinearMemory memory = memory(2);
        long size = memory.sizeBytes();
        byte[] buf = new byte[100];
        memory.read(size - 100, buf, 0, 100);
        memory.write(size - 100, buf, 0, 100);
        memory.read(size, buf, 0, 0);
        memory.fill(size - 100, 100, (byte) 1);
        memory.copy(size - 100, 0, 100);
        memory.copy(0, size - 100, 100);
        assertOutOfBounds(() -> memory.read(size - 99, buf, 0, 100));
        assertOutOfBounds(() -> memory.write(size - 99, buf, 0, 100));
        assertOutOfBounds(() -> memory.read(size + 1, buf, 0, 0));
        assertOutOfBounds(() -> memory.read(-1, buf, 0, 1));
        assertOutOfBounds(() -> memory.read(size - 99, ByteBuffer.allocate(100)));
        assertOutOfBounds(() -> memory.write(size - 99, ByteBuffer.allocate(100)));
        assertOutOfBounds(() -> memory.fill(size - 99, 100, (byte) 1));
        assertOutOfBounds(() -> memory.fill(1, Long.MAX_VALUE, (byte) 1));
        assertOutOfBounds(() -> memory.fill(Long.MAX_VALUE, 2, (byte) 1));
        assertOutOfBounds(() -> memory.fill(0, -1, (byte) 1));
        assertOutOfBounds(() -> memory.copy(size - 99, 0, 100));
        assertOutOfBounds(() -> memory.copy(0, size - 99, 100));
        assertOutOfBounds(() -> memory.copy(0, 1, Long.MAX_VALUE));
        assertOutOfBounds(() -> memory.copy(-1, 0, 1));
        assertOutOfBounds(() -> memory.copy(0, 0, -5));
        assertThatThrownBy(() -> memory.read(0, buf, 90, 20)).isInstanceOf(IndexOutOfBoundsException.class)
                .isNotInstanceOf(OutOfBoundsException.class);
    }

    @Test
    void aFailingWriteWritesNothing() {
        LinearMemory memory = memory(2);
        long size = memory.sizeBytes();
        byte[] before = randomBytes((int) size, 5);
        memory.write(0, before, 0, before.length);
        byte[] ones = new byte[300];
        Arrays.fill(ones, (byte) 1);
        ByteBuffer src = ByteBuffer.wrap(ones);
        assertOutOfBounds(() -> memory.write(size - 299, ones, 0, 300));
        assertOutOfBounds(() -> memory.write(size - 299, src));
        assertThat(src.position()).isZero();
        assertOutOfBounds(() -> memory.fill(size - 299, 300, (byte) 1));
        assertOutOfBounds(() -> memory.copy(size - 299, 0, 300));
        assertOutOfBounds(() -> memory.putI64(size - 7, -1L));
        assertOutOfBounds(() -> memory.putI32(size - 1, -1));
        byte[] after = new byte[(int) size];
        memory.read(0, after, 0, after.length);
        assertThat(after).isEqualTo(before);
    }

    // ------------------------------------------------------------------ discard

    @Test
    void discardZeroesWholePagesAndReleasesThem() {
        LinearMemory memory = memory(4);
        memory.fill(0, 4L * PAGE_BYTES, (byte) 3);
        assertThat(memory.stats().committedPages()).isEqualTo(4);
        memory.discard(PAGE_BYTES, 2L * PAGE_BYTES);
        assertThat(memory.getI8(PAGE_BYTES - 1)).isEqualTo((byte) 3);
        assertThat(memory.getI64(PAGE_BYTES)).isZero();
        assertThat(memory.getI8(3L * PAGE_BYTES - 1)).isZero();
        assertThat(memory.getI8(3L * PAGE_BYTES)).isEqualTo((byte) 3);
        assertThat(memory.stats().committedPages()).isEqualTo(2);
        assertThat(memory.stats().discardedPages()).isEqualTo(2);
        memory.putI8(PAGE_BYTES + 5, (byte) 1);
        assertThat(memory.getI8(PAGE_BYTES + 5)).isEqualTo((byte) 1);
        assertThat(memory.getI8(PAGE_BYTES + 4)).isZero();
        memory.discard(0, 0);
        memory.discard(4L * PAGE_BYTES, 0);
        assertThat(memory.stats().discardedPages()).isEqualTo(2);
    }

    @Test
    void discardRejectsPartialPagesAndOutOfBoundsRangesBeforeChangingAnything() {
        LinearMemory memory = memory(2);
        memory.fill(0, 2L * PAGE_BYTES, (byte) 9);
        assertThatThrownBy(() -> memory.discard(1, PAGE_BYTES)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> memory.discard(0, PAGE_BYTES + 1)).isInstanceOf(IllegalArgumentException.class);
        assertOutOfBounds(() -> memory.discard(PAGE_BYTES, 2L * PAGE_BYTES));
        assertOutOfBounds(() -> memory.discard(-PAGE_BYTES, PAGE_BYTES));
        assertOutOfBounds(() -> memory.discard(3L * PAGE_BYTES, 0));
        assertThat(memory.getI8(0)).isEqualTo((byte) 9);
        assertThat(memory.getI8(2L * PAGE_BYTES - 1)).isEqualTo((byte) 9);
        assertThat(memory.stats().discardedPages()).isZero();
    }

    // ------------------------------------------------------------------ atomics

    @Test
    void atomicI32OperationsReturnThePreviousValue() {
        LinearMemory memory = memory(1);
        long a = 128;
        assertThat(memory.atomicLoadI32(a)).isZero();
        memory.atomicStoreI32(a, 10);
        assertThat(memory.atomicAddI32(a, 5)).isEqualTo(10);
        assertThat(memory.atomicSubI32(a, 3)).isEqualTo(15);
        assertThat(memory.atomicAndI32(a, 0b1010)).isEqualTo(12);
        assertThat(memory.atomicOrI32(a, 0b0101)).isEqualTo(8);
        assertThat(memory.atomicXorI32(a, 0xFF)).isEqualTo(13);
        assertThat(memory.atomicExchangeI32(a, 77)).isEqualTo(0xF2);
        assertThat(memory.atomicCompareExchangeI32(a, 1, 2)).isEqualTo(77);
        assertThat(memory.atomicLoadI32(a)).isEqualTo(77);
        assertThat(memory.atomicCompareExchangeI32(a, 77, -1)).isEqualTo(77);
        assertThat(memory.getI32(a)).isEqualTo(-1);
        assertThat(memory.atomicAddI32(a, 1)).isEqualTo(-1);
        assertThat(memory.getI64(a)).isZero();
    }

    @Test
    void atomicI64OperationsReturnThePreviousValue() {
        LinearMemory memory = memory(2);
        long a = PAGE_BYTES + 8;
        assertThat(memory.atomicLoadI64(a)).isZero();
        memory.atomicStoreI64(a, 1L << 40);
        assertThat(memory.atomicAddI64(a, 5)).isEqualTo(1L << 40);
        assertThat(memory.atomicSubI64(a, 6)).isEqualTo((1L << 40) + 5);
        assertThat(memory.atomicAndI64(a, 0xFFFF)).isEqualTo((1L << 40) - 1);
        assertThat(memory.atomicOrI64(a, 1L << 63)).isEqualTo(0xFFFF);
        assertThat(memory.atomicXorI64(a, 1)).isEqualTo(0x8000_0000_0000_FFFFL);
        assertThat(memory.atomicExchangeI64(a, 3)).isEqualTo(0x8000_0000_0000_FFFEL);
        assertThat(memory.atomicCompareExchangeI64(a, 4, 5)).isEqualTo(3);
        assertThat(memory.atomicCompareExchangeI64(a, 3, 5)).isEqualTo(3);
        assertThat(memory.atomicLoadI64(a)).isEqualTo(5);
        assertThat(bytes(memory, a, 8)).containsExactly(5, 0, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void atomicsNeedNaturalAlignmentAndBounds() {
        LinearMemory memory = memory(2);
        long size = memory.sizeBytes();
        for (long bad : new long[] {1, 2, 3, PAGE_BYTES - 6, PAGE_BYTES - 1}) {
            assertThatThrownBy(() -> memory.atomicLoadI32(bad)).isInstanceOf(UnalignedAtomicException.class);
            assertThatThrownBy(() -> memory.atomicAddI32(bad, 1)).isInstanceOf(UnalignedAtomicException.class);
        }
        for (long bad : new long[] {4, 12, PAGE_BYTES - 4}) {
            assertThatThrownBy(() -> memory.atomicLoadI64(bad))
                    .isInstanceOfSatisfying(UnalignedAtomicException.class, e -> assertThat(e.widthBytes()).isEqualTo(8));
            assertThatThrownBy(() -> memory.atomicCompareExchangeI64(bad, 0, 1)).isInstanceOf(UnalignedAtomicException.class);
        }
        assertThat(memory.getI64(0)).isZero();
        memory.atomicStoreI32(size - 4, 1);
        memory.atomicStoreI64(size - 8, 1);
        assertOutOfBounds(() -> memory.atomicLoadI32(size));
        assertOutOfBounds(() -> memory.atomicStoreI64(size, 1));
        assertOutOfBounds(() -> memory.atomicAddI32(-4, 1));
        assertOutOfBounds(() -> memory.notify(size, 1));
        assertThatThrownBy(() -> memory.notify(2, 1)).isInstanceOf(UnalignedAtomicException.class);
    }

    @Test
    void waitAndNotifyFollowTheThreadsProposalForSharing() {
        LinearMemory memory = memory(1);
        if (isShared()) {
            memory.putI32(16, 5);
            assertThat(memory.wait32(16, 4, 0)).isEqualTo(1);
            assertThat(memory.wait64(16, 4, -1)).isEqualTo(1);
            assertThat(memory.wait32(16, 5, 1_000_000)).isEqualTo(2);
            assertThat(memory.wait64(16, 5, 0)).isEqualTo(2);
            assertThat(memory.notify(16, 10)).isZero();
        } else {
            assertThatThrownBy(() -> memory.wait32(16, 0, 0)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> memory.wait64(16, 0, 0)).isInstanceOf(IllegalStateException.class);
            assertThat(memory.notify(16, 1)).isZero();
        }
        assertThatThrownBy(() -> memory.wait32(18, 0, 0)).isInstanceOf(UnalignedAtomicException.class);
        assertThatThrownBy(() -> memory.wait64(20, 0, 0)).isInstanceOf(UnalignedAtomicException.class);
        assertOutOfBounds(() -> memory.wait32(PAGE_BYTES, 0, 0));
    }

    // ------------------------------------------------------------------ helpers

    static void assertOutOfBounds(Runnable access) {
        assertThatThrownBy(access::run).isInstanceOf(OutOfBoundsException.class);
    }

    static int[] bytes(LinearMemory memory, long address, int count) {
        int[] result = new int[count];
        for (int i = 0; i < count; i++) {
            result[i] = memory.getI8(address + i) & 0xFF;
        }
        return result;
    }

    static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    static ByteBuffer direct(byte[] data) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(data.length);
        buffer.put(data).flip();
        return buffer;
    }

    static long truncate(long value, int width) {
        return width == 8 ? value : value & ((1L << (8 * width)) - 1);
    }

    static void putValue(LinearMemory memory, int width, long address, long value) {
        switch (width) {
            case 1: memory.putI8(address, (byte) value); break;
            case 2: memory.putI16(address, (short) value); break;
            case 4: memory.putI32(address, (int) value); break;
            case 8: memory.putI64(address, value); break;
            default: throw new IllegalArgumentException("width " + width);
        }
    }

    /** The value at {@code address}, zero-extended to a long. */
    static long getValue(LinearMemory memory, int width, long address) {
        switch (width) {
            case 1: return memory.getI8(address) & 0xFFL;
            case 2: return memory.getI16(address) & 0xFFFFL;
            case 4: return memory.getI32(address) & 0xFFFF_FFFFL;
            case 8: return memory.getI64(address);
            default: throw new IllegalArgumentException("width " + width);
        }
    }
}
