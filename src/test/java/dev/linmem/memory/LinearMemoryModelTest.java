package dev.linmem.memory;

import static dev.linmem.memory.LinearMemory.PAGE_BYTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.linmem.testing.ModelCheck;
import dev.linmem.testing.Op;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random grow / put / get / read / write / copy / fill / discard / atomic sequences on every kind
 * of memory, compared with a plain {@code byte[]} model. Addresses are drawn to favour page
 * boundaries and both ends of the memory, and one in eight lies out of bounds, where the op must
 * throw and leave memory as it was.
 *
 * <p>Ops hold raw random numbers and resolve them against the memory's size when applied, so any
 * op applies in any state and the harness can shrink a failing sequence freely.
 */
class LinearMemoryModelTest {

    /** The memory's maximum; the model is a byte array this large. */
    private static final int MAX_PAGES = 5;

    /** Steps per seed; three seeds per kind, thirteen kinds: 93,600 ops per run. */
    private static final int STEPS = 2_400;

    /** Every this many steps the invariant compares the whole memory with the model. */
    private static final int FULL_COMPARE_EVERY = 16;

    static List<Arguments> kinds() {
        return List.of(
                Arguments.of(AddressType.I32, Backing.HEAP, false, -1, 1, -1),
                Arguments.of(AddressType.I32, Backing.DIRECT, false, -1, 1, -1),
                Arguments.of(AddressType.I32, Backing.HEAP, true, -1, 1, -1),
                Arguments.of(AddressType.I32, Backing.DIRECT, true, -1, 1, -1),
                Arguments.of(AddressType.I64, Backing.HEAP, false, -1, 1, -1),
                Arguments.of(AddressType.I32, Backing.HEAP, false, 1, 1, -1),
                Arguments.of(AddressType.I32, Backing.DIRECT, false, 1, 1, -1),
                Arguments.of(AddressType.I32, Backing.DIRECT, true, 2, 1, -1),
                Arguments.of(AddressType.I32, Backing.HEAP, false, 0, 4, -1),
                Arguments.of(AddressType.I32, Backing.DIRECT, false, 1, 4, -1),
                Arguments.of(AddressType.I32, Backing.HEAP, true, 1, 4, -1),
                Arguments.of(AddressType.I32, Backing.DIRECT, true, 0, 4, -1),
                Arguments.of(AddressType.I32, Backing.HEAP, false, 0, 4, 2));
    }

    /**
     * {@code slabShift} -1 lets the builder choose (one-page slabs at this size); 1 and 2 share
     * slabs of 2 and 4 pages, the last one cut by the maximum. An initial size of 4 pages makes
     * the low slab span all four (four slabs of one page, or two of two), unless
     * {@code lowSlabMaxPages} (-1: the default) caps it below the initial size.
     */
    @ParameterizedTest
    @MethodSource("kinds")
    void behavesLikeAByteArray(AddressType addressType, Backing backing, boolean shared, int slabShift, int initialPages,
            int lowSlabMaxPages) {
        MemoryType type = new MemoryType(initialPages, MAX_PAGES, addressType, shared);
        LinearMemoryBuilder builder = LinearMemory.builder(type).backing(backing);
        if (lowSlabMaxPages >= 0) {
            builder.lowSlabMaxPages(lowSlabMaxPages);
        }
        LinearMemoryBuilder configured = slabShift < 0 ? builder : builder.slabShift(slabShift);
        long applied = ModelCheck.<Ctx>of("LinearMemory " + addressType + " " + backing + (shared ? " shared" : "")
                                + (slabShift < 0 ? "" : " slabShift " + slabShift) + " initial " + initialPages
                                + (lowSlabMaxPages < 0 ? "" : " lowSlabMaxPages " + lowSlabMaxPages),
                        () -> new Ctx(configured.build()))
                .op(3, (r, c) -> new Grow(r.nextInt(3)))
                .op(8, (r, c) -> new Put(width(r), r.nextLong(), r.nextLong()))
                .op(8, (r, c) -> new Get(width(r), r.nextLong()))
                .op(3, (r, c) -> new Write(r.nextLong(), length(r), r.nextLong(), r.nextBoolean()))
                .op(3, (r, c) -> new Read(r.nextLong(), length(r), r.nextBoolean()))
                .op(3, (r, c) -> new Copy(r.nextLong(), r.nextLong(), length(r)))
                .op(2, (r, c) -> new Fill(r.nextLong(), length(r), (byte) (r.nextBoolean() ? 0 : r.nextInt(256))))
                .op(1, (r, c) -> new Discard(r.nextLong(), r.nextInt(3), r.nextInt(8) == 0))
                .op(3, (r, c) -> new AtomicRmw(r.nextBoolean() ? 4 : 8, r.nextLong(), r.nextInt(7), r.nextLong()))
                .invariant(Ctx::check)
                .runSeeds(STEPS, 1, 2, 3);
        assertThat(applied).isGreaterThanOrEqualTo(STEPS);
    }

    private static int width(SplittableRandom random) {
        return 1 << random.nextInt(4);
    }

    /** Lengths from 0 to a bit over two pages, mostly short. */
    private static int length(SplittableRandom random) {
        switch (random.nextInt(4)) {
            case 0: return random.nextInt(17);
            case 1: return random.nextInt(4096);
            case 2: return random.nextInt(PAGE_BYTES + 100);
            default: return random.nextInt(2 * PAGE_BYTES + 100);
        }
    }

    /** The system under test and its model. */
    static final class Ctx {
        final LinearMemory memory;
        final byte[] model = new byte[MAX_PAGES * PAGE_BYTES];
        long pages;
        int steps;

        Ctx(LinearMemory memory) {
            this.memory = memory;
            this.pages = memory.pages();
        }

        long sizeBytes() {
            return pages * PAGE_BYTES;
        }

        boolean inBounds(long address, long length) {
            return address >= 0 && length >= 0 && address <= sizeBytes() - length;
        }

        /**
         * An address for a raw random number: one in eight out of bounds (negative or past the
         * end), others near a page boundary, near the end, or anywhere.
         */
        long address(long raw, int widthBytes) {
            long size = sizeBytes();
            long r = raw >>> 4;
            switch ((int) (raw & 15)) {
                case 0: return -1 - r % 16;
                case 1: return size - widthBytes + 1 + r % 16;
                case 2: case 3: return Math.max(0, size - widthBytes - r % 16);
                case 4: case 5: case 6: case 7: {
                    long page = 1 + r % Math.max(1, pages);
                    return Math.max(0, page * PAGE_BYTES - 9 + (r >>> 20) % 18);
                }
                default: return size == 0 ? 0 : r % size;
            }
        }

        void assertRegionMatches(long address, long length) {
            long from = Math.max(0, address - 8);
            long to = Math.min(sizeBytes(), address + Math.max(0, length) + 8);
            if (from >= to) {
                return;
            }
            byte[] actual = new byte[(int) (to - from)];
            memory.read(from, actual, 0, actual.length);
            assertSameBytes(actual, from);
        }

        /** Fails naming the first address where {@code actual} (read from {@code from}) differs from the model. */
        void assertSameBytes(byte[] actual, long from) {
            int mismatch = Arrays.mismatch(actual, 0, actual.length, model, (int) from, (int) from + actual.length);
            if (mismatch >= 0) {
                throw new AssertionError("memory differs from the model at address " + (from + mismatch)
                        + ": memory has " + actual[mismatch] + ", model " + model[(int) from + mismatch]);
            }
        }

        void check() {
            memory.checkInvariants();
            assertThat(memory.pages()).isEqualTo(pages);
            assertThat(memory.stats().committedPages()).isBetween(0L, pages);
            if (++steps % FULL_COMPARE_EVERY == 0) {
                byte[] actual = new byte[(int) sizeBytes()];
                memory.read(0, actual, 0, actual.length);
                assertSameBytes(actual, 0);
            }
        }
    }

    record Grow(int deltaPages) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            long expected = c.pages + deltaPages <= MAX_PAGES ? c.pages : -1;
            assertThat(c.memory.grow(deltaPages)).isEqualTo(expected);
            if (expected >= 0) {
                c.pages += deltaPages;
            }
        }
    }

    record Put(int widthBytes, long where, long value) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            long address = c.address(where, widthBytes);
            if (!c.inBounds(address, widthBytes)) {
                assertThatThrownBy(() -> LinearMemoryContract.putValue(c.memory, widthBytes, address, value))
                        .isInstanceOf(OutOfBoundsException.class);
                return;
            }
            LinearMemoryContract.putValue(c.memory, widthBytes, address, value);
            for (int i = 0; i < widthBytes; i++) {
                c.model[(int) address + i] = (byte) (value >>> (8 * i));
            }
            c.assertRegionMatches(address, widthBytes);
        }
    }

    record Get(int widthBytes, long where) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            long address = c.address(where, widthBytes);
            if (!c.inBounds(address, widthBytes)) {
                assertThatThrownBy(() -> LinearMemoryContract.getValue(c.memory, widthBytes, address))
                        .isInstanceOf(OutOfBoundsException.class);
                return;
            }
            long expected = 0;
            for (int i = widthBytes - 1; i >= 0; i--) {
                expected = (expected << 8) | (c.model[(int) address + i] & 0xFF);
            }
            assertThat(LinearMemoryContract.getValue(c.memory, widthBytes, address)).isEqualTo(expected);
        }
    }

    record Write(long where, int length, long seed, boolean viaBuffer) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            long address = c.address(where, length);
            byte[] data = LinearMemoryContract.randomBytes(length, seed);
            ByteBuffer buffer = ByteBuffer.wrap(data);
            Runnable write = viaBuffer ? () -> c.memory.write(address, buffer) : () -> c.memory.write(address, data, 0, length);
            if (!c.inBounds(address, length)) {
                assertThatThrownBy(write::run).isInstanceOf(OutOfBoundsException.class);
                assertThat(buffer.position()).isZero();
                return;
            }
            write.run();
            System.arraycopy(data, 0, c.model, (int) address, length);
            c.assertRegionMatches(address, length);
        }
    }

    record Read(long where, int length, boolean viaBuffer) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            long address = c.address(where, length);
            byte[] actual = new byte[length];
            ByteBuffer buffer = (length & 1) == 0 ? ByteBuffer.allocateDirect(length) : ByteBuffer.allocate(length);
            Runnable read = viaBuffer ? () -> c.memory.read(address, buffer) : () -> c.memory.read(address, actual, 0, length);
            if (!c.inBounds(address, length)) {
                assertThatThrownBy(read::run).isInstanceOf(OutOfBoundsException.class);
                return;
            }
            read.run();
            if (viaBuffer) {
                buffer.flip().get(actual);
            }
            c.assertSameBytes(actual, address);
        }
    }

    record Copy(long dstWhere, long srcWhere, int length) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            long dst = c.address(dstWhere, length);
            long src = (srcWhere & 1) == 0 ? c.address(srcWhere, length) : dst + (srcWhere >> 1) % 70_000;
            if (!c.inBounds(dst, length) || !c.inBounds(src, length)) {
                assertThatThrownBy(() -> c.memory.copy(dst, src, length)).isInstanceOf(OutOfBoundsException.class);
                return;
            }
            c.memory.copy(dst, src, length);
            System.arraycopy(c.model, (int) src, c.model, (int) dst, length);
            c.assertRegionMatches(dst, length);
        }
    }

    record Fill(long where, int length, byte value) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            long address = c.address(where, length);
            if (!c.inBounds(address, length)) {
                assertThatThrownBy(() -> c.memory.fill(address, length, value)).isInstanceOf(OutOfBoundsException.class);
                return;
            }
            c.memory.fill(address, length, value);
            Arrays.fill(c.model, (int) address, (int) address + length, value);
            c.assertRegionMatches(address, length);
        }
    }

    record Discard(long where, int pageCount, boolean misaligned) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            long address = (Math.floorMod(where, c.pages + 2) - 1) * PAGE_BYTES + (misaligned ? 1 : 0);
            long length = (long) pageCount * PAGE_BYTES;
            long discardedBefore = c.memory.stats().discardedPages();
            if (misaligned) {
                assertThatThrownBy(() -> c.memory.discard(address, length)).isInstanceOf(IllegalArgumentException.class);
                return;
            }
            if (!c.inBounds(address, length)) {
                assertThatThrownBy(() -> c.memory.discard(address, length)).isInstanceOf(OutOfBoundsException.class);
                return;
            }
            c.memory.discard(address, length);
            Arrays.fill(c.model, (int) address, (int) (address + length), (byte) 0);
            assertThat(c.memory.stats().discardedPages()).isEqualTo(discardedBefore + pageCount);
            c.assertRegionMatches(address, length);
        }
    }

    /** op: 0 add, 1 sub, 2 and, 3 or, 4 xor, 5 exchange, 6 compare-exchange (expecting the current value when operand is odd). */
    record AtomicRmw(int widthBytes, long where, int op, long operand) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            long address = c.address(where, widthBytes) & ~(long) (widthBytes - 1) | ((where & 0x70) == 0x70 ? 2 : 0);
            if (!c.inBounds(address, widthBytes)) {
                assertThatThrownBy(() -> rmw(c, address, 0)).isInstanceOf(OutOfBoundsException.class);
                return;
            }
            if ((address & (widthBytes - 1)) != 0) {
                assertThatThrownBy(() -> rmw(c, address, 0)).isInstanceOf(UnalignedAtomicException.class);
                return;
            }
            long old = LinearMemoryContract.getValue(c.memory, widthBytes, address);
            long expectedOld = widthBytes == 4 ? (int) old : old;
            assertThat(rmw(c, address, expectedOld)).isEqualTo(expectedOld);
            long stored = next(expectedOld);
            for (int i = 0; i < widthBytes; i++) {
                c.model[(int) address + i] = (byte) (stored >>> (8 * i));
            }
            c.assertRegionMatches(address, widthBytes);
        }

        private long next(long old) {
            switch (op) {
                case 0: return old + operand;
                case 1: return old - operand;
                case 2: return old & operand;
                case 3: return old | operand;
                case 4: return old ^ operand;
                case 5: return operand;
                default: return (operand & 1) == 1 ? operand : old;
            }
        }

        /** Applies the op; returns the old value sign-extended from its width. */
        private long rmw(Ctx c, long address, long current) {
            LinearMemory m = c.memory;
            if (widthBytes == 4) {
                int v = (int) operand;
                switch (op) {
                    case 0: return m.atomicAddI32(address, v);
                    case 1: return m.atomicSubI32(address, v);
                    case 2: return m.atomicAndI32(address, v);
                    case 3: return m.atomicOrI32(address, v);
                    case 4: return m.atomicXorI32(address, v);
                    case 5: return m.atomicExchangeI32(address, v);
                    default: return m.atomicCompareExchangeI32(address, (operand & 1) == 1 ? (int) current : ~(int) current, v);
                }
            }
            switch (op) {
                case 0: return m.atomicAddI64(address, operand);
                case 1: return m.atomicSubI64(address, operand);
                case 2: return m.atomicAndI64(address, operand);
                case 3: return m.atomicOrI64(address, operand);
                case 4: return m.atomicXorI64(address, operand);
                case 5: return m.atomicExchangeI64(address, operand);
                default: return m.atomicCompareExchangeI64(address, (operand & 1) == 1 ? current : ~current, operand);
            }
        }
    }
}
