package dev.linmem.alloc;

import dev.linmem.memory.LinearMemory;
import dev.linmem.space.Errno;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The contract every {@link Allocator} meets, run over every allocator and memory source: the
 * malloc family's cases F1 to F20 of semantics.md section 1.6, alignments 1 to 2^21, realloc
 * sweeps, calloc on reused memory, and the bad-input cases of semantics.md "(b)": each throws the
 * precise {@link HeapException} before any state changes, after which {@code checkInvariants}
 * passes and every other live block keeps its pattern.
 *
 * <p>Subclasses supply a fresh allocator per test; {@link #newDebugAllocator()} adds the canary
 * and junk-fill cases for allocators with a debug mode.
 */
public abstract class AllocatorContract {

    /** A fresh allocator under test (a fresh memory too). */
    protected abstract Allocator newAllocator();

    /** What the allocator under test does for {@code realloc(p, 0)}. */
    protected abstract ReallocZeroPolicy reallocZeroPolicy();

    /** A fresh allocator with canaries and junk fill, or null when the implementation has no debug mode. */
    protected Allocator newDebugAllocator() {
        return null;
    }

    protected Allocator heap;

    /** Live blocks each filled with its own pattern, verified after every bad-input case. */
    private final List<long[]> bystanders = new ArrayList<>();

    @BeforeEach
    void setUp() {
        heap = newAllocator();
        bystanders.clear();
    }

    // ---------------------------------------------------------------- helpers

    /** Byte i of the pattern of the block with this seed: differs between neighbouring blocks and offsets. */
    static byte patternByte(long seed, long i) {
        return (byte) ((i * 31 + seed * 0x9E37) ^ (i >>> 8) ^ (seed >>> 3));
    }

    static void fill(Allocator a, long ptr, long size, long seed) {
        byte[] b = new byte[(int) size];
        for (int i = 0; i < size; i++) {
            b[i] = patternByte(seed, i);
        }
        a.memory().write(ptr, b, 0, b.length);
    }

    static void verify(Allocator a, long ptr, long size, long seed) {
        byte[] b = new byte[(int) size];
        a.memory().read(ptr, b, 0, b.length);
        for (int i = 0; i < size; i++) {
            if (b[i] != patternByte(seed, i)) {
                throw new AssertionError("block 0x" + Long.toHexString(ptr) + " (seed " + seed + ") byte " + i
                        + " is " + b[i] + ", expected " + patternByte(seed, i));
            }
        }
    }

    /** A live, patterned block that must survive every bad-input case. */
    private long bystander(long size) {
        long p = heap.malloc(size);
        assertThat(p).isNotZero();
        long seed = bystanders.size() + 1000;
        fill(heap, p, size, seed);
        bystanders.add(new long[] {p, size, seed});
        return p;
    }

    /** Allocates bystanders of assorted sizes, including one large enough to be mapped. */
    private void surroundWithBystanders() {
        for (long size : new long[] {1, 24, 100, 300, 5000, 70_000, 300_000}) {
            bystander(size);
        }
    }

    /** The case's exception left the heap valid and every bystander intact. */
    private void assertHeapUnharmed() {
        heap.checkInvariants();
        for (long[] b : bystanders) {
            verify(heap, b[0], b[1], b[2]);
        }
    }

    private <T extends HeapException> T expectFault(Class<T> type, HeapFault fault, long ptr, Executable call) {
        Throwable t = catchThrowable(call::execute);
        assertThat(t).isInstanceOf(type);
        HeapException e = (HeapException) t;
        assertThat(e.fault()).isEqualTo(fault);
        assertThat(e.getMessage()).contains("0x" + Long.toHexString(ptr));
        assertHeapUnharmed();
        return type.cast(e);
    }

    private long malloc(long size) {
        long p = heap.malloc(size);
        assertThat(p).as("malloc(%d)", size).isNotZero();
        return p;
    }

    // ---------------------------------------------------------------- F1 to F20

    @Test
    void f01_mallocZeroReturnsUniquePointers() {
        long a = malloc(0);
        long b = malloc(0);
        assertThat(a).isNotEqualTo(b);
        heap.free(a);
        heap.free(b);
        heap.checkInvariants();
    }

    @Test
    void f02_mallocIsEightByteAligned() {
        Set<Long> seen = new HashSet<>();
        for (long size = 0; size < 600; size += 7) {
            long p = malloc(size);
            assertThat(p % 8).as("malloc(%d) = 0x%x", size, p).isZero();
            assertThat(seen.add(p)).isTrue();
        }
        heap.checkInvariants();
    }

    @Test
    void f03_hugeMallocFailsWithEnomem() {
        heap.free(malloc(100));
        for (long size : new long[] {Long.MAX_VALUE, 0xFFFF_FFFFL, 0xFFFF_FFFFL - 7, 0xFFFF_FFF0L, 1L << 32, 1L << 40, -1}) {
            assertThat(heap.malloc(size)).as("malloc(%d)", size).isZero();
            assertThat(heap.errno()).isEqualTo(Errno.ENOMEM);
        }
        heap.checkInvariants();
        assertThat(heap.stats().liveBlocks()).isZero();
    }

    @Test
    void f04_freeNullIsANoOpAndKeepsErrno() {
        assertThat(heap.malloc(Long.MAX_VALUE)).isZero();
        heap.free(Allocator.NULL);
        assertThat(heap.errno()).isEqualTo(Errno.ENOMEM);
        heap.checkInvariants();
    }

    @Test
    void f05_callocZeroesReusedMemory() {
        for (long size : new long[] {8, 40, 200, 1000, 4000, 70_000}) {
            long p = malloc(size);
            heap.memory().fill(p, heap.usableSize(p), (byte) 0xEE);
            heap.free(p);
            long q = heap.calloc(1, size);
            assertThat(q).isNotZero();
            byte[] b = new byte[(int) size];
            heap.memory().read(q, b, 0, b.length);
            for (byte x : b) {
                assertThat(x).isZero();
            }
            heap.free(q);
        }
        heap.checkInvariants();
    }

    @Test
    void f06_callocOverflowFailsWithEnomem() {
        assertThat(heap.calloc(1L << 32, 1L << 32)).isZero();
        assertThat(heap.errno()).isEqualTo(Errno.ENOMEM);
        assertThat(heap.calloc(Long.MAX_VALUE, 2)).isZero();
        assertThat(heap.calloc(0x10000, 0x10001)).isZero();
        assertThat(heap.errno()).isEqualTo(Errno.ENOMEM);
        heap.checkInvariants();
    }

    @Test
    void f07_callocOfZeroIsUnique() {
        long a = heap.calloc(0, 8);
        long b = heap.calloc(8, 0);
        assertThat(a).isNotZero().isNotEqualTo(b);
        assertThat(b).isNotZero();
        heap.free(a);
        heap.free(b);
        heap.checkInvariants();
    }

    @Test
    void f08_reallocOfNullIsMalloc() {
        long p = heap.realloc(Allocator.NULL, 100);
        assertThat(p).isNotZero();
        assertThat(heap.usableSize(p)).isGreaterThanOrEqualTo(100);
        heap.free(p);
        heap.checkInvariants();
    }

    @Test
    void f09_reallocPreservesContents() {
        long p = malloc(50);
        fill(heap, p, 50, 9);
        long q = heap.realloc(p, 5000);
        verify(heap, q, 50, 9);
        long r = heap.realloc(q, 20);
        verify(heap, r, 20, 9);
        heap.free(r);
        heap.checkInvariants();
    }

    @Test
    void f10_failedReallocKeepsTheBlock() {
        long p = malloc(64);
        fill(heap, p, 64, 10);
        assertThat(heap.realloc(p, Long.MAX_VALUE)).isZero();
        assertThat(heap.errno()).isEqualTo(Errno.ENOMEM);
        assertThat(heap.realloc(p, 0xFFFF_FFFFL)).isZero();
        verify(heap, p, 64, 10);
        heap.checkInvariants();
        heap.free(p);
        heap.checkInvariants();
    }

    @Test
    void f11_reallocToZeroFollowsThePolicy() {
        long p = malloc(64);
        long q = heap.realloc(p, 0);
        if (reallocZeroPolicy() == ReallocZeroPolicy.FREE_AND_RETURN_NULL) {
            assertThat(q).isZero();
            assertThat(heap.stats().liveBlocks()).isZero();
            assertThatThrownBy(() -> heap.free(p)).isInstanceOf(DoubleFreeException.class);
        } else {
            assertThat(q).isNotZero();
            assertThat(heap.stats().liveBlocks()).isEqualTo(1);
            heap.free(q);
        }
        heap.checkInvariants();
    }

    @Test
    void f12_reallocOfNullToZeroIsUnique() {
        long a = heap.realloc(Allocator.NULL, 0);
        long b = heap.realloc(Allocator.NULL, 0);
        assertThat(a).isNotZero().isNotEqualTo(b);
        heap.free(a);
        heap.free(b);
    }

    @Test
    void f13_posixMemalignRejectsBadAlignments() {
        for (long alignment : new long[] {0, 1, 2, 3, 24, 0x300, -8}) {
            long[] out = {0x1234};
            int rc = heap.posixMemalign(out, alignment, 16);
            assertThat(rc).as("alignment %d", alignment).isEqualTo(Errno.EINVAL.number());
            assertThat(out[0]).isEqualTo(0x1234);
        }
        heap.checkInvariants();
    }

    @Test
    void f14_posixMemalignOfHugeSizeIsEnomem() {
        long[] out = {0x5678};
        assertThat(heap.posixMemalign(out, 8, 0xFFFF_FFFFL)).isEqualTo(Errno.ENOMEM.number());
        assertThat(heap.posixMemalign(out, 4096, -4096)).isEqualTo(Errno.ENOMEM.number());
        assertThat(heap.posixMemalign(out, 4096, Long.MAX_VALUE)).isEqualTo(Errno.ENOMEM.number());
        assertThat(out[0]).isEqualTo(0x5678);
        heap.checkInvariants();
    }

    @Test
    void f15_posixMemalignOfZeroSucceeds() {
        long[] out = {0};
        assertThat(heap.posixMemalign(out, 64, 0)).isZero();
        assertThat(out[0] % 64).isZero();
        heap.free(out[0]);
        heap.checkInvariants();
    }

    @Test
    void f16_alignedAllocRejectsBadAlignments() {
        for (long alignment : new long[] {0, 3, 24, -16}) {
            assertThat(heap.alignedAlloc(alignment, 64)).as("alignment %d", alignment).isZero();
            assertThat(heap.errno()).isNotNull();
        }
        heap.checkInvariants();
    }

    @Test
    void f17_alignedAllocAcceptsSizesNotAMultipleOfTheAlignment() {
        long p = heap.alignedAlloc(64, 100);
        assertThat(p).isNotZero();
        assertThat(p % 64).isZero();
        long q = heap.alignedAlloc(1, 64);
        assertThat(q).isNotZero();
        heap.free(p);
        heap.free(q);
        heap.checkInvariants();
    }

    @Test
    void f18_memalignWithANonPowerOfTwo() {
        long p = heap.memalign(24, 10);
        if (p == Allocator.NULL) {
            assertThat(heap.errno()).isEqualTo(Errno.EINVAL);
        } else {
            assertThat(p % 32).isZero();
            heap.free(p);
        }
        assertThat(heap.memalign(1L << 40, 10)).isZero();
        heap.checkInvariants();
    }

    @Test
    void f19_reallocarrayOverflowKeepsTheBlock() {
        long p = malloc(32);
        fill(heap, p, 32, 19);
        assertThat(heap.reallocarray(p, 1L << 32, 1L << 32)).isZero();
        assertThat(heap.errno()).isEqualTo(Errno.ENOMEM);
        verify(heap, p, 32, 19);
        long q = heap.reallocarray(p, 10, 10);
        assertThat(q).isNotZero();
        verify(heap, q, 32, 19);
        heap.free(q);
        heap.checkInvariants();
    }

    @Test
    void f20_usableSizeIsAtLeastTheRequest() {
        assertThat(heap.usableSize(Allocator.NULL)).isZero();
        List<Long> blocks = new ArrayList<>();
        for (long size = 0; size < 3000; size = size * 5 / 4 + 1) {
            long p = malloc(size);
            long usable = heap.usableSize(p);
            assertThat(usable).as("usableSize of malloc(%d)", size).isGreaterThanOrEqualTo(size);
            heap.memory().fill(p, usable, (byte) 0x77);   // the whole usable size is the caller's
            blocks.add(p);
        }
        heap.checkInvariants();
        blocks.forEach(heap::free);
        heap.checkInvariants();
    }

    // ---------------------------------------------------------------- alignment, realloc and calloc sweeps

    @Test
    void memalignAndPosixMemalignAlignEveryPowerOfTwoUpTo2MiB() {
        bystander(100);
        for (int shift = 0; shift <= 21; shift++) {
            long alignment = 1L << shift;
            for (long size : new long[] {1, 100, alignment + 1}) {
                long p = heap.memalign(alignment, size);
                assertThat(p).as("memalign(%d, %d)", alignment, size).isNotZero();
                assertThat(p % alignment).isZero();
                assertThat(heap.usableSize(p)).isGreaterThanOrEqualTo(size);
                fill(heap, p, size, shift);
                if (alignment >= 4) {
                    long[] out = {0};
                    assertThat(heap.posixMemalign(out, alignment, size)).isZero();
                    assertThat(out[0] % alignment).isZero();
                    assertThat(heap.usableSize(out[0])).isGreaterThanOrEqualTo(size);
                    heap.free(out[0]);
                }
                heap.checkInvariants();
                verify(heap, p, size, shift);
                heap.free(p);
            }
        }
        assertHeapUnharmed();
    }

    @Test
    void reallocSweepsUpAndDownPreserveContents() {
        bystander(40);
        long p = malloc(1);
        fill(heap, p, 1, 77);
        long size = 1;
        List<Long> sizes = new ArrayList<>();
        for (long s = 2; s <= 600_000; s = s * 3 / 2 + 5) {
            sizes.add(s);
        }
        for (long s : sizes) {
            long q = heap.realloc(p, s);
            assertThat(q).isNotZero();
            verify(heap, q, size, 77);
            fill(heap, q, s, 77);
            p = q;
            size = s;
            heap.checkInvariants();
        }
        for (int i = sizes.size() - 2; i >= 0; i--) {
            long s = sizes.get(i);
            long q = heap.realloc(p, s);
            assertThat(q).isNotZero();
            verify(heap, q, s, 77);
            p = q;
            heap.checkInvariants();
        }
        heap.free(p);
        assertHeapUnharmed();
    }

    @Test
    void callocZeroesMemoryReusedAcrossSizes() {
        List<Long> dirty = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            long p = malloc(16 + 37L * i);
            heap.memory().fill(p, heap.usableSize(p), (byte) 0xFF);
            dirty.add(p);
        }
        dirty.forEach(heap::free);
        for (int i = 0; i < 50; i++) {
            long size = 8 + 53L * i;
            long q = heap.calloc(size, 1);
            byte[] b = new byte[(int) size];
            heap.memory().read(q, b, 0, b.length);
            for (byte x : b) {
                assertThat(x).isZero();
            }
        }
        heap.checkInvariants();
    }

    @Test
    void statsCountLiveBlocksAndTheLeakReportListsThem() {
        long a = malloc(10);
        long b = malloc(1000);
        long c = malloc(100);
        heap.free(b);
        AllocatorStats s = heap.stats();
        assertThat(s.liveBlocks()).isEqualTo(2);
        assertThat(s.liveBytes()).isEqualTo(110);
        assertThat(s.footprintBytes()).isGreaterThanOrEqualTo(110).isLessThanOrEqualTo(s.peakFootprintBytes());
        List<LiveBlock> leaks = heap.liveBlocks();
        assertThat(leaks).extracting(LiveBlock::address).containsExactly(Math.min(a, c), Math.max(a, c));
        assertThat(leaks).allSatisfy(l -> assertThat(l.usableBytes()).isGreaterThanOrEqualTo(l.requestedBytes()));
        assertThat(leaks.stream().mapToLong(LiveBlock::sequence).distinct().count()).isEqualTo(2);
    }

    // ---------------------------------------------------------------- bad input

    @Test
    void immediateDoubleFreeIsDetected() {
        surroundWithBystanders();
        long p = malloc(48);
        heap.free(p);
        DoubleFreeException e = expectFault(DoubleFreeException.class, HeapFault.DOUBLE_FREE, p, () -> heap.free(p));
        assertThat(e.pointer()).isEqualTo(p);
    }

    @Test
    void delayedDoubleFreeIsDetected() {
        surroundWithBystanders();
        long p = malloc(48);
        bystander(48);
        heap.free(p);
        for (int i = 0; i < 20; i++) {
            bystander(200 + i);       // larger than p: cannot reuse its memory
        }
        expectFault(DoubleFreeException.class, HeapFault.DOUBLE_FREE, p, () -> heap.free(p));
    }

    @Test
    void reallocAndUsableSizeOfAFreedPointerAreRefused() {
        surroundWithBystanders();
        long p = malloc(64);
        bystander(8);
        heap.free(p);
        expectFault(DoubleFreeException.class, HeapFault.DOUBLE_FREE, p, () -> heap.realloc(p, 100));
        expectFault(DoubleFreeException.class, HeapFault.DOUBLE_FREE, p, () -> heap.usableSize(p));
    }

    @Test
    void interiorPointerIsDetected() {
        surroundWithBystanders();
        long p = bystander(64);
        InvalidPointerException e = expectFault(InvalidPointerException.class, HeapFault.INVALID_POINTER, p + 8,
                () -> heap.free(p + 8));
        assertThat(e.reason()).isEqualTo(InvalidPointerException.Reason.INTERIOR);
        assertThat(e.containingBlock()).isEqualTo(p);
        expectFault(InvalidPointerException.class, HeapFault.INVALID_POINTER, p + 16, () -> heap.realloc(p + 16, 10));
    }

    @Test
    void unalignedPointerIsDetected() {
        surroundWithBystanders();
        long p = bystander(64);
        InvalidPointerException e = expectFault(InvalidPointerException.class, HeapFault.INVALID_POINTER, p + 1,
                () -> heap.free(p + 1));
        assertThat(e.reason()).isEqualTo(InvalidPointerException.Reason.UNALIGNED);
    }

    @Test
    void neverAllocatedPointerInsideTheHeapIsDetected() {
        surroundWithBystanders();
        long q = malloc(4096);
        bystander(16);
        heap.free(q);
        InvalidPointerException e = expectFault(InvalidPointerException.class, HeapFault.INVALID_POINTER, q + 64,
                () -> heap.free(q + 64));
        assertThat(e.reason()).isEqualTo(InvalidPointerException.Reason.NOT_ALLOCATED);
    }

    @Test
    void pointersOutsideTheHeapAreDetected() {
        surroundWithBystanders();
        long beyond = heap.memory().sizeBytes() + 4096;
        for (long ptr : new long[] {beyond, -8, 0x8000_0000_0000L, Long.MIN_VALUE}) {
            InvalidPointerException e = expectFault(InvalidPointerException.class, HeapFault.INVALID_POINTER, ptr,
                    () -> heap.free(ptr));
            assertThat(e.reason()).isEqualTo(InvalidPointerException.Reason.OUTSIDE_HEAP);
        }
        expectFault(InvalidPointerException.class, HeapFault.INVALID_POINTER, beyond, () -> heap.realloc(beyond, 8));
        expectFault(InvalidPointerException.class, HeapFault.INVALID_POINTER, beyond, () -> heap.usableSize(beyond));
    }

    @Test
    void headerOverwrittenByAnUnderflowIsDetected() {
        surroundWithBystanders();
        long p = malloc(100);
        bystander(100);
        LinearMemory m = heap.memory();
        int original = m.getI32(p - 4);
        m.putI32(p - 4, original ^ 0x00F0_0F00);
        Throwable t = catchThrowable(() -> heap.free(p));
        assertThat(t).isInstanceOf(HeapCorruptionException.class).hasMessageContaining("0x" + Long.toHexString(p));
        assertThatThrownBy(() -> heap.realloc(p, 200)).isInstanceOf(HeapCorruptionException.class);
        assertThatThrownBy(heap::checkInvariants).isInstanceOf(HeapCorruptionException.class);
        m.putI32(p - 4, original);
        assertHeapUnharmed();
        heap.free(p);
        assertHeapUnharmed();
    }

    @Test
    void headerOverwrittenByAnOverrunIsDetected() {
        surroundWithBystanders();
        long a = malloc(100);
        long b = malloc(100);
        LinearMemory m = heap.memory();
        long end = a + heap.usableSize(a);
        long saved = m.getI64(end);
        m.putI64(end, 0xA5A5_A5A5_A5A5_A5A5L);
        assertThatThrownBy(heap::checkInvariants).isInstanceOf(HeapCorruptionException.class);
        assertThatThrownBy(() -> heap.free(b)).isInstanceOf(HeapCorruptionException.class);
        assertThatThrownBy(() -> heap.free(a)).isInstanceOf(HeapCorruptionException.class);
        m.putI64(end, saved);
        assertHeapUnharmed();
        heap.free(a);
        heap.free(b);
        assertHeapUnharmed();
    }

    @Test
    void corruptedFreeListLinkIsDetectedWithoutLeavingTheHeap() {
        surroundWithBystanders();
        long p = malloc(40);
        bystander(40);
        heap.free(p);
        LinearMemory m = heap.memory();
        long saved = m.getI64(p);
        m.putI64(p, 0x7FFF_FFF0_7FFF_FFF0L);
        assertThatThrownBy(heap::checkInvariants).isInstanceOf(HeapCorruptionException.class);
        m.putI64(p, saved);
        assertHeapUnharmed();
    }

    @Test
    void everyBadInputLeavesTheHeapUsable() {
        surroundWithBystanders();
        long p = malloc(500);
        heap.free(p);
        for (long bad : new long[] {p, p + 8, p + 3, -1, Long.MAX_VALUE}) {
            assertThat(catchThrowable(() -> heap.free(bad))).isInstanceOf(HeapException.class);
        }
        assertHeapUnharmed();
        long q = malloc(500);
        fill(heap, q, 500, 5);
        verify(heap, q, 500, 5);
        heap.free(q);
        assertHeapUnharmed();
    }

    // ---------------------------------------------------------------- debug mode

    @Test
    void debugCanaryCatchesAOneByteOverrun() {
        Allocator debug = newDebugAllocator();
        Assumptions.assumeTrue(debug != null, "no debug mode");
        heap = debug;
        surroundWithBystanders();
        long p = malloc(50);
        LinearMemory m = heap.memory();
        byte saved = m.getI8(p + 50);
        m.putI8(p + 50, (byte) (saved + 1));
        CanaryCorruptionException e = (CanaryCorruptionException) catchThrowable(() -> heap.free(p));
        assertThat(e).isNotNull();
        assertThat(e.fault()).isEqualTo(HeapFault.CANARY_CORRUPTION);
        assertThat(e.offsetBytes()).isEqualTo(50);
        assertThatThrownBy(heap::checkInvariants).isInstanceOf(CanaryCorruptionException.class);
        m.putI8(p + 50, saved);
        assertHeapUnharmed();
        heap.free(p);
        assertHeapUnharmed();
    }

    @Test
    void debugJunkFillCatchesAWriteAfterFree() {
        Allocator debug = newDebugAllocator();
        Assumptions.assumeTrue(debug != null, "no debug mode");
        heap = debug;
        surroundWithBystanders();
        long p = malloc(200);
        bystander(16);
        heap.free(p);
        LinearMemory m = heap.memory();
        byte saved = m.getI8(p + 100);
        m.putI8(p + 100, (byte) (saved + 1));
        Throwable t = catchThrowable(heap::checkInvariants);
        assertThat(t).isInstanceOf(WriteAfterFreeException.class);
        assertThat(((WriteAfterFreeException) t).address()).isEqualTo(p + 100);
        m.putI8(p + 100, saved);
        assertHeapUnharmed();
    }
}
