package dev.linmem.alloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.linmem.alloc.InvalidPointerException.Reason;
import dev.linmem.memory.LinearMemory;
import dev.linmem.memory.MemoryType;
import dev.linmem.space.Errno;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Undefined behaviour in C, refused precisely (semantics.md section (b)): each bad call throws
 * its exception before any state changes. "Nothing changed" is checked byte for byte: the whole
 * heap (bucket table to break) and the statistics are the same after the exception, the heap
 * validates, and every live block still holds its pattern.
 */
class EmmallocBadInputTest {

    LinearMemory memory;
    HeapSource source;
    Emmalloc heap;
    long a;
    long b;
    long c;

    @BeforeEach
    void setUp() {
        memory = LinearMemory.create(MemoryType.i32(1, 1024));
        source = HeapSource.emscriptenSbrk(memory);
        heap = Emmalloc.create(source);
        a = heap.malloc(40);
        b = heap.malloc(72);
        c = heap.malloc(24);
        EmmallocTest.fill(heap, a, 40, 1);
        EmmallocTest.fill(heap, b, 72, 2);
        EmmallocTest.fill(heap, c, 24, 3);
    }

    byte[] snapshot() {
        long base = source.heapBaseAddress();
        byte[] bytes = new byte[(int) (source.breakAddress() - base)];
        memory.read(base, bytes, 0, bytes.length);
        return bytes;
    }

    /** Runs {@code call}, expects {@code type}, and checks that nothing changed. */
    <T extends Throwable> T refusedWithoutChange(Class<T> type, ThrowingCallable call) {
        byte[] before = snapshot();
        AllocatorStats statsBefore = heap.stats();
        T thrown = catchThrowableOfType(type, call);
        assertThat(thrown).as("expected %s", type.getSimpleName()).isNotNull();
        assertThat(snapshot()).as("heap bytes after the refused call").isEqualTo(before);
        AllocatorStats statsAfter = heap.stats();
        assertThat(statsAfter.liveBlocks()).isEqualTo(statsBefore.liveBlocks());
        assertThat(statsAfter.freeBytes()).isEqualTo(statsBefore.freeBytes());
        assertThat(statsAfter.footprintBytes()).isEqualTo(statsBefore.footprintBytes());
        return thrown;
    }

    void heapIsIntact() {
        heap.checkInvariants();
        for (long[] block : new long[][] {{a, 40, 1}, {b, 72, 2}, {c, 24, 3}}) {
            if (block[0] != 0) {
                EmmallocTest.verify(heap, block[0], block[1], block[2]);
            }
        }
    }

    @Test
    void immediateDoubleFree() {
        heap.free(b);
        long freedB = b;
        b = 0;
        DoubleFreeException e = refusedWithoutChange(DoubleFreeException.class, () -> heap.free(freedB));
        assertThat(e.pointer()).isEqualTo(freedB);
        assertThat(e.allocationSequence()).isEqualTo(2);
        assertThat(e.freeSequence()).isEqualTo(1);
        assertThat(e.fault()).isEqualTo(HeapFault.DOUBLE_FREE);
        assertThat(e).hasMessageContaining("free(0x" + Long.toHexString(freedB) + ")");
        heapIsIntact();
    }

    @Test
    void delayedDoubleFreeAfterOtherTraffic() {
        heap.free(a);
        long freedA = a;
        a = 0;
        for (int i = 0; i < 20; i++) {
            heap.free(heap.malloc(4000 + i)); // too large to reuse a's region
        }
        refusedWithoutChange(DoubleFreeException.class, () -> heap.free(freedA));
        refusedWithoutChange(DoubleFreeException.class, () -> heap.realloc(freedA, 10));
        refusedWithoutChange(DoubleFreeException.class, () -> heap.usableSize(freedA));
        heapIsIntact();
    }

    @Test
    void aReusedAddressIsALiveBlockAgain() {
        heap.free(b);
        long again = heap.malloc(72);
        assertThat(again).isEqualTo(b);
        heap.free(again); // C cannot tell a stale pointer from the new block either
        b = 0;
        heapIsIntact();
    }

    @Test
    void interiorPointer() {
        InvalidPointerException e = refusedWithoutChange(InvalidPointerException.class, () -> heap.free(b + 8));
        assertThat(e.reason()).isEqualTo(Reason.INTERIOR);
        assertThat(e.containingBlock()).isEqualTo(b);
        assertThat(e.pointer()).isEqualTo(b + 8);
        refusedWithoutChange(InvalidPointerException.class, () -> heap.realloc(b + 16, 100));
        refusedWithoutChange(InvalidPointerException.class, () -> heap.usableSize(c + 8));
        heapIsIntact();
    }

    @Test
    void unalignedPointer() {
        InvalidPointerException e = refusedWithoutChange(InvalidPointerException.class, () -> heap.free(a | 1));
        assertThat(e.reason()).isEqualTo(Reason.UNALIGNED);
        assertThat(refusedWithoutChange(InvalidPointerException.class, () -> heap.free(a + 4)).reason())
                .isEqualTo(Reason.UNALIGNED);
        heapIsIntact();
    }

    @Test
    void pointersTheHeapNeverReturned() {
        long rootRegionPayload = source.heapBaseAddress() + 1040 + 8;
        assertThat(refusedWithoutChange(InvalidPointerException.class, () -> heap.free(rootRegionPayload)).reason())
                .isEqualTo(Reason.NOT_ALLOCATED);
        long big = heap.malloc(1000);
        heap.malloc(8);
        heap.free(big);
        assertThat(refusedWithoutChange(InvalidPointerException.class, () -> heap.free(big + 256)).reason())
                .as("a never-returned address inside a free region").isEqualTo(Reason.NOT_ALLOCATED);
        assertThat(refusedWithoutChange(InvalidPointerException.class, () -> heap.free(source.heapBaseAddress() + 64)).reason())
                .as("the bucket table").isEqualTo(Reason.NOT_ALLOCATED);
        heapIsIntact();
    }

    @Test
    void pointersOutsideTheHeap() {
        for (long p : new long[] {16, 4096, memory.sizeBytes() + 64, 1L << 40, -8, Long.MIN_VALUE, Long.MAX_VALUE}) {
            InvalidPointerException e = refusedWithoutChange(InvalidPointerException.class, () -> heap.free(p));
            assertThat(e.reason()).as("free(%x)", p).isEqualTo(Reason.OUTSIDE_HEAP);
            refusedWithoutChange(InvalidPointerException.class, () -> heap.realloc(p, 8));
        }
        heapIsIntact();
    }

    @Test
    void headerOverwrittenByAnUnderflow() {
        int header = memory.getI32(b - 4);
        memory.putI32(b - 4, 0);
        HeapCorruptionException e = refusedWithoutChange(HeapCorruptionException.class, () -> heap.free(b));
        assertThat(e.fault()).isEqualTo(HeapFault.HEADER_CORRUPTION);
        assertThat(e).hasMessageContaining("overwritten");
        assertThatThrownBy(heap::checkInvariants).isInstanceOf(HeapCorruptionException.class);
        refusedWithoutChange(HeapCorruptionException.class, () -> heap.realloc(b, 1000));
        memory.putI32(b - 4, header);
        heapIsIntact();
    }

    @Test
    void footerOverwrittenByAnOverrunIsFoundByTheBlockAndItsNeighbour() {
        long usable = heap.usableSize(a);
        int footer = memory.getI32(a + usable);
        memory.putI32(a + usable, 0x41414141);
        refusedWithoutChange(HeapCorruptionException.class, () -> heap.free(a));
        refusedWithoutChange(HeapCorruptionException.class, () -> heap.free(b)); // b merges downwards: reads a's footer
        assertThatThrownBy(heap::checkInvariants).isInstanceOf(HeapCorruptionException.class);
        memory.putI32(a + usable, footer);
        heapIsIntact();
    }

    @Test
    void overrunIntoTheNextHeader() {
        long usable = heap.usableSize(a);
        int nextHeader = memory.getI32(a + usable + 4);
        memory.putI32(a + usable + 4, 0x7fff_fff0);
        refusedWithoutChange(HeapCorruptionException.class, () -> heap.free(b));
        refusedWithoutChange(HeapCorruptionException.class, () -> heap.free(a));
        refusedWithoutChange(HeapCorruptionException.class, () -> heap.realloc(a, usable + 64));
        memory.putI32(a + usable + 4, nextHeader);
        heapIsIntact();
    }

    @Test
    void corruptedFreeListLinksAreNeverFollowedOutOfBounds() {
        heap.free(b);
        long freedB = b;
        b = 0;
        for (long garbage : new long[] {0x7fff_fff0L, 0xffff_fff0L, 12, freedB, a - 4}) {
            int link = memory.getI32(freedB);
            memory.putI32(freedB, (int) garbage); // the free region's prev link is the old payload's first word
            refusedWithoutChange(HeapCorruptionException.class, () -> heap.malloc(72));
            assertThatThrownBy(heap::checkInvariants).isInstanceOf(HeapCorruptionException.class);
            memory.putI32(freedB, link);
        }
        int next = memory.getI32(freedB + 4);
        memory.putI32(freedB + 4, 0x7fff_fff0);
        refusedWithoutChange(HeapCorruptionException.class, () -> heap.free(a)); // a merges with the free region
        memory.putI32(freedB + 4, next);
        heapIsIntact();
    }

    @Test
    void corruptedFreeRegionSizesNeitherLoopNorReadOutOfBounds() {
        long big = heap.malloc(2000);
        heap.malloc(8);
        heap.free(big);
        for (int size : new int[] {0, 4, 0xffff_fff0, 0x7fff_fff8}) {
            int header = memory.getI32(big - 4);
            memory.putI32(big - 4, size);
            assertThatThrownBy(heap::checkInvariants).isInstanceOf(HeapCorruptionException.class);
            refusedWithoutChange(HeapCorruptionException.class, () -> heap.malloc(1500));
            memory.putI32(big - 4, header);
        }
        heapIsIntact();
    }

    @Test
    void aCyclicFreeListIsFound() {
        long x = heap.malloc(100);
        heap.malloc(8);
        long y = heap.malloc(100);
        heap.malloc(8);
        heap.free(x);
        heap.free(y);
        int next = memory.getI32(y + 4);
        memory.putI32(y + 4, (int) (y - 4)); // y's next link points at y itself
        assertThatThrownBy(heap::checkInvariants).isInstanceOf(HeapCorruptionException.class);
        assertThatThrownBy(heap::emmallocStats).isInstanceOf(HeapCorruptionException.class);
        memory.putI32(y + 4, next);
        heapIsIntact();
    }

    @Test
    void aCorruptedBucketMaskOrRootListIsFound() {
        long maskAddress = source.heapBaseAddress() + 64 * 16;
        long mask = memory.getI64(maskAddress);
        memory.putI64(maskAddress, -1L);
        refusedWithoutChange(HeapCorruptionException.class, () -> heap.malloc(8));
        assertThatThrownBy(heap::checkInvariants).isInstanceOf(HeapCorruptionException.class);
        memory.putI64(maskAddress, mask);
        long rootList = maskAddress + 8;
        int root = memory.getI32(rootList);
        memory.putI32(rootList, 0x1234);
        assertThatThrownBy(heap::checkInvariants).isInstanceOf(HeapCorruptionException.class);
        refusedWithoutChange(HeapCorruptionException.class, () -> heap.malloc(1 << 20));
        memory.putI32(rootList, root);
        heapIsIntact();
    }

    @Test
    void hugeSizesFailCleanlyWithoutWrapping() {
        long small = heap.malloc(32);
        heap.free(small);
        for (long size : new long[] {Long.MAX_VALUE, -1, 0xFFFF_FFFFL, 0xFFFF_FFFFL - 7, 0xFFFF_FFC8L, 1L << 32}) {
            assertThat(heap.malloc(size)).as("malloc(%d)", size).isZero();
            assertThat(heap.errno()).isEqualTo(Errno.ENOMEM);
            assertThat(heap.realloc(a, size)).as("realloc(a, %d)", size).isZero();
        }
        assertThat(heap.calloc(1L << 31, 4)).isZero();
        long[] out = {7};
        assertThat(heap.posixMemalign(out, 4096, -4096)).isEqualTo(Errno.ENOMEM.number());
        assertThat(heap.memalign(-1, 4096)).isZero();
        assertThat(heap.memalign(1L << 31, 16)).as("an alignment the memory cannot offer").isZero();
        heapIsIntact();
    }

    @Test
    void debugCanaryCatchesAnOverrunByOneByte() {
        Emmalloc debug = Emmalloc.builder(HeapSource.emscriptenSbrk(LinearMemory.create(MemoryType.i32(1, 64))))
                .checking(Emmalloc.Checking.DEBUG).build();
        long p = debug.malloc(10);
        long q = debug.malloc(10);
        assertThat(debug.usableSize(p)).isEqualTo(10);
        debug.memory().putI8(p + 10, (byte) 0);
        CanaryCorruptionException e = catchThrowableOfType(CanaryCorruptionException.class, () -> debug.free(p));
        assertThat(e.offsetBytes()).isEqualTo(10);
        assertThat(e.sequence()).isEqualTo(1);
        assertThat(e.fault()).isEqualTo(HeapFault.CANARY_CORRUPTION);
        assertThatThrownBy(debug::checkInvariants).isInstanceOf(CanaryCorruptionException.class);
        debug.memory().putI8(p + 10, EmmallocHeap.CANARY);
        debug.free(p);
        debug.free(q);
        debug.checkInvariants();
    }

    @Test
    void debugJunkCatchesAWriteAfterFree() {
        Emmalloc debug = Emmalloc.builder(HeapSource.emscriptenSbrk(LinearMemory.create(MemoryType.i32(1, 64))))
                .checking(Emmalloc.Checking.DEBUG).build();
        long p = debug.malloc(100);
        debug.malloc(8);
        debug.free(p);
        debug.memory().putI8(p + 50, (byte) 1);
        assertThatThrownBy(debug::checkInvariants).isInstanceOf(WriteAfterFreeException.class);
        WriteAfterFreeException e = catchThrowableOfType(WriteAfterFreeException.class, () -> debug.malloc(100));
        assertThat(e.address()).isEqualTo(p + 50);
        assertThat(e.fault()).isEqualTo(HeapFault.WRITE_AFTER_FREE);
        debug.memory().putI8(p + 50, EmmallocHeap.JUNK);
        assertThat(debug.malloc(100)).isEqualTo(p);
        debug.checkInvariants();
    }
}
