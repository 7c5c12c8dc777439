package dev.linmem.alloc;

import dev.linmem.memory.LinearMemory;
import dev.linmem.memory.MemoryType;
import dev.linmem.space.AddressSpace;
import dev.linmem.space.Mman;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Dlmalloc's own behaviour beyond the contract: layout, bins, mapping, segments, trimming. */
class DlmallocTest {

    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final int ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;

    private static HeapSource sbrk() {
        return HeapSource.emscriptenSbrk(LinearMemory.create(MemoryType.i32(1, 4096)), 1024);
    }

    private static AddressSpace space() {
        return AddressSpace.builder(LinearMemory.create(MemoryType.i32(1, 4096)))
                .pageSizeBytes(AddressSpace.LINUX_PAGE_BYTES).build();
    }

    @Test
    void chunkLayoutIsThe32BitOne() {
        Dlmalloc heap = Dlmalloc.builder(sbrk()).build();
        long a = heap.malloc(100);
        long b = heap.malloc(0);
        LinearMemory m = heap.memory();
        assertThat(a % 8).isZero();
        assertThat(m.getI32(a - 4)).isEqualTo(104 | Dlmalloc.CINUSE | Dlmalloc.PINUSE);
        assertThat(heap.usableSize(a)).isEqualTo(100);
        assertThat(b).isEqualTo(a + 104);
        assertThat(heap.usableSize(b)).isEqualTo(12);
        heap.free(a);
        assertThat(m.getI32(a - 4)).isEqualTo(104 | Dlmalloc.PINUSE);
        assertThat(m.getI32(b - 4) & Dlmalloc.PINUSE).isZero();
        assertThat(m.getI32(b - 8)).isEqualTo(104);
        heap.checkInvariants();
    }

    @Test
    void treeIndexAndMinimumSizesAgree() {
        for (int i = 0; i < Dlmalloc.NTREEBINS; i++) {
            long min = Dlmalloc.minsizeForTreeIndex(i);
            assertThat(Dlmalloc.computeTreeIndex(min)).isEqualTo(i);
            if (i > 0) {
                assertThat(Dlmalloc.computeTreeIndex(min - 8)).isEqualTo(i - 1);
            }
        }
        assertThat(Dlmalloc.computeTreeIndex(256)).isZero();
        assertThat(Dlmalloc.computeTreeIndex(0xFFFF_FFF8L)).isEqualTo(31);
    }

    @Test
    void freedChunksAreReusedBestFitThroughBinsAndTrees() {
        Dlmalloc heap = Dlmalloc.builder(sbrk()).build();
        List<Long> keep = new ArrayList<>();
        long[] sizes = {24, 200, 1000, 5000, 40_000};
        long[] freed = new long[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            freed[i] = heap.malloc(sizes[i]);
            keep.add(heap.malloc(16));        // separators keep the freed chunks apart
        }
        for (long p : freed) {
            heap.free(p);
        }
        heap.checkInvariants();
        for (int i = sizes.length - 1; i >= 0; i--) {
            assertThat(heap.malloc(sizes[i])).as("size %d", sizes[i]).isEqualTo(freed[i]);
        }
        heap.checkInvariants();
    }

    @Test
    void reallocGrowsInPlaceIntoTopAndIntoAFollowingFreeChunk() {
        Dlmalloc heap = Dlmalloc.builder(sbrk()).build();
        long a = heap.malloc(100);
        assertThat(heap.realloc(a, 5000)).isEqualTo(a);            // into top
        long b = heap.malloc(100);
        long c = heap.malloc(3000);
        heap.malloc(16);
        heap.free(c);
        assertThat(heap.realloc(b, 2000)).isEqualTo(b);            // into the free chunk after it
        assertThat(heap.realloc(b, 50)).isEqualTo(b);              // shrink in place
        heap.checkInvariants();
    }

    @Test
    void memalignGivesBackTheLeaderAndTrailer() {
        Dlmalloc heap = Dlmalloc.builder(sbrk()).build();
        heap.malloc(8);
        long p = heap.memalign(4096, 100);
        assertThat(p % 4096).isZero();
        assertThat(heap.usableSize(p)).isLessThan(200);
        AllocatorStats s = heap.stats();
        assertThat(s.freeBytes()).isGreaterThan(0);
        long q = heap.malloc(1000);                                // fits in the leader
        assertThat(q).isLessThan(p);
        heap.checkInvariants();
    }

    @Test
    void largeRequestsAreMappedAndUnmappedThroughTheAddressSpace() {
        AddressSpace space = space();
        Dlmalloc heap = Dlmalloc.builder(HeapSource.addressSpace(space)).build();
        heap.malloc(10);
        long before = space.stats().mappedBytes();
        long p = heap.malloc(300_000);
        assertThat(p).isGreaterThanOrEqualTo(space.currentBreak());
        assertThat(space.stats().mappedBytes() - before).isGreaterThanOrEqualTo(300_000);
        assertThat(heap.usableSize(p)).isGreaterThanOrEqualTo(300_000);
        heap.checkInvariants();
        long trimmed = heap.stats().trimmedBytes();
        heap.free(p);
        assertThat(space.stats().mappedBytes()).isEqualTo(before);
        assertThat(heap.stats().trimmedBytes() - trimmed).isGreaterThanOrEqualTo(300_000);
        heap.checkInvariants();
        space.checkInvariants();
    }

    @Test
    void aBlockedBreakMakesANewSegmentFromMmap() {
        AddressSpace space = space();
        Dlmalloc heap = Dlmalloc.builder(HeapSource.addressSpace(space)).build();
        long first = heap.malloc(100);
        long brk = space.currentBreak();
        assertThat(space.mmap(brk, 4096, RW, ANON | Mman.MAP_FIXED)).isEqualTo(brk);   // a neighbour takes the pages after the break
        List<Long> blocks = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            long p = heap.malloc(10_000);
            assertThat(p).isNotZero();
            AllocatorContract.fill(heap, p, 10_000, i);
            blocks.add(p);
        }
        assertThat(blocks).anySatisfy(p -> assertThat(p).isGreaterThan(brk));
        assertThat(space.currentBreak()).isEqualTo(brk);
        heap.checkInvariants();
        for (int i = 0; i < blocks.size(); i++) {
            AllocatorContract.verify(heap, blocks.get(i), 10_000, i);
            heap.free(blocks.get(i));
            heap.checkInvariants();
        }
        heap.free(first);
        heap.checkInvariants();
        space.checkInvariants();
    }

    @Test
    void topBeyondTheTrimThresholdIsGivenBackBySbrk() {
        HeapSource source = sbrk();
        Dlmalloc heap = Dlmalloc.builder(source).mmapThresholdBytes(Dlmalloc.DISABLED).build();
        heap.malloc(10);
        long p = heap.malloc(5_000_000);
        long peakBreak = source.breakAddress();
        heap.free(p);
        assertThat(source.breakAddress()).isLessThan(peakBreak - 4_000_000);
        AllocatorStats s = heap.stats();
        assertThat(s.trimmedBytes()).isGreaterThan(4_000_000);
        assertThat(s.footprintBytes()).isLessThan(s.peakFootprintBytes() - 4_000_000);
        heap.checkInvariants();
        assertThat(heap.malloc(5_000_000)).isEqualTo(p);           // the break grows back
        heap.checkInvariants();
    }

    @Test
    void emscriptenConfigurationNeverTrimsOrMaps() {
        HeapSource source = sbrk();
        Dlmalloc heap = Dlmalloc.builder(source).emscripten().build();
        heap.malloc(10);
        long p = heap.malloc(5_000_000);
        assertThat(p).isLessThan(source.breakAddress());
        long peakBreak = source.breakAddress();
        heap.free(p);
        assertThat(source.breakAddress()).isEqualTo(peakBreak);
        assertThat(heap.stats().trimmedBytes()).isZero();
        assertThat(heap.trim(0)).isTrue();                       // malloc_trim still works when asked
        assertThat(source.breakAddress()).isLessThan(peakBreak);
        heap.checkInvariants();
    }

    @Test
    void doubleFreeNamesTheAllocationAndTheFirstFree() {
        Dlmalloc heap = Dlmalloc.builder(sbrk()).build();
        heap.free(heap.malloc(8));
        long p = heap.malloc(64);              // allocation #2
        heap.malloc(8);
        heap.free(p);                          // free #2
        assertThatThrownBy(() -> heap.free(p)).isInstanceOfSatisfying(DoubleFreeException.class, e -> {
            assertThat(e.allocationSequence()).isEqualTo(2);
            assertThat(e.freeSequence()).isEqualTo(2);
            assertThat(e.getMessage()).contains("0x" + Long.toHexString(p), "allocation #2", "free #2");
        });
    }

    @Test
    void aCorruptedTreeLinkIsReportedNotFollowed() {
        Dlmalloc heap = Dlmalloc.builder(sbrk()).build();
        long a = heap.malloc(1000);
        heap.malloc(16);
        long b = heap.malloc(1000);
        heap.malloc(16);
        heap.free(a);
        heap.free(b);
        LinearMemory m = heap.memory();
        int saved = m.getI32(a + 8);           // child[0] of the tree node (b is on its same-size list)
        m.putI32(a + 8, 0x7FFF_FFF8);
        assertThatThrownBy(heap::checkInvariants).isInstanceOf(HeapCorruptionException.class);
        assertThatThrownBy(() -> heap.malloc(900)).isInstanceOf(HeapCorruptionException.class);
        m.putI32(a + 8, saved);
        heap.checkInvariants();
    }

    @Test
    void aFreeChunkWithAnOverwrittenHeaderIsNeverHandedOut() {
        Dlmalloc heap = Dlmalloc.builder(sbrk()).build();
        long a = heap.malloc(40);
        long guard = heap.malloc(16);
        heap.free(a);
        LinearMemory m = heap.memory();
        int saved = m.getI32(a - 4);
        m.putI32(a - 4, saved + 64);                      // the binned chunk now claims 64 more bytes
        assertThatThrownBy(() -> heap.malloc(40)).isInstanceOf(HeapCorruptionException.class);
        assertThatThrownBy(heap::checkInvariants).isInstanceOf(HeapCorruptionException.class);
        m.putI32(a - 4, saved);
        heap.checkInvariants();
        assertThat(heap.malloc(40)).isEqualTo(a);
        heap.free(guard);
        heap.checkInvariants();
    }

    @Test
    void anOverwrittenTopIsNeverSplit() {
        Dlmalloc heap = Dlmalloc.builder(sbrk()).build();
        long a = heap.malloc(40);
        LinearMemory m = heap.memory();
        long top = a - 8 + heap.usableSize(a) + 4;
        int saved = m.getI32(top + 4);
        m.putI32(top + 4, 0x7FFF_0001);
        assertThatThrownBy(() -> heap.malloc(100)).isInstanceOf(HeapCorruptionException.class);
        m.putI32(top + 4, saved);
        heap.checkInvariants();
        assertThat(heap.malloc(100)).isEqualTo(top + 8);
    }

    @Test
    void aMemory64HeapIsRefused() {
        HeapSource source = HeapSource.emscriptenSbrk(LinearMemory.create(MemoryType.i64(1, 16)), 1024);
        assertThatThrownBy(() -> Dlmalloc.builder(source).build()).isInstanceOf(IllegalArgumentException.class);
    }
}
