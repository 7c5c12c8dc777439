package dev.linmem.alloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.linmem.memory.LinearMemory;
import dev.linmem.memory.MemoryType;
import dev.linmem.space.AddressSpace;
import dev.linmem.space.Errno;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Emmalloc's own behaviour: bucket math, region layout, in-place realloc, trimming, statistics. */
class EmmallocTest {

    static LinearMemory memory() {
        return LinearMemory.create(MemoryType.i32(1, 1024));
    }

    static Emmalloc posix() {
        return Emmalloc.create(HeapSource.emscriptenSbrk(memory()));
    }

    @Nested
    class Buckets {

        @Test
        void smallSizesAreEightBytesApart() {
            assertThat(EmmallocBuckets.bucketOf(8)).isZero();
            assertThat(EmmallocBuckets.bucketOf(15)).isZero();
            assertThat(EmmallocBuckets.bucketOf(16)).isEqualTo(1);
            assertThat(EmmallocBuckets.bucketOf(24)).isEqualTo(2);
            assertThat(EmmallocBuckets.bucketOf(120)).isEqualTo(14);
            assertThat(EmmallocBuckets.bucketOf(127)).isEqualTo(14);
        }

        @Test
        void fourBucketsPerPowerOfTwoUpToFourKilobytesThenTwo() {
            assertThat(EmmallocBuckets.bucketOf(128)).isEqualTo(14); // shared edge bucket, as in emmalloc
            assertThat(EmmallocBuckets.bucketOf(159)).isEqualTo(14);
            assertThat(EmmallocBuckets.bucketOf(160)).isEqualTo(15);
            assertThat(EmmallocBuckets.bucketOf(192)).isEqualTo(16);
            assertThat(EmmallocBuckets.bucketOf(224)).isEqualTo(17);
            assertThat(EmmallocBuckets.bucketOf(256)).isEqualTo(18);
            assertThat(EmmallocBuckets.bucketOf(3584)).isEqualTo(33);
            assertThat(EmmallocBuckets.bucketOf(4096)).isEqualTo(33);
            assertThat(EmmallocBuckets.bucketOf(6143)).isEqualTo(33);
            assertThat(EmmallocBuckets.bucketOf(6144)).isEqualTo(34);
            assertThat(EmmallocBuckets.bucketOf(8192)).isEqualTo(35);
            assertThat(EmmallocBuckets.bucketOf(12288)).isEqualTo(36);
            assertThat(EmmallocBuckets.bucketOf((1L << 27) - 1)).isEqualTo(62);
            assertThat(EmmallocBuckets.bucketOf(1L << 27)).isEqualTo(63);
            assertThat(EmmallocBuckets.bucketOf(1L << 40)).isEqualTo(63);
            assertThat(EmmallocBuckets.bucketOf(-1)).isEqualTo(63);
        }

        @Test
        void mappingIsMonotoneAndReachesEveryBucket() {
            int previous = 0;
            boolean[] seen = new boolean[64];
            for (long size = 0; size < 1L << 28; size += size < 65_536 ? 1 : size >>> 12) {
                int b = EmmallocBuckets.bucketOf(size);
                assertThat(b).as("bucket of %d", size).isGreaterThanOrEqualTo(previous).isBetween(0, 63);
                seen[b] = true;
                previous = b;
            }
            for (int b = 0; b < 64; b++) {
                assertThat(seen[b]).as("bucket %d reached", b).isTrue();
            }
        }

        @Test
        void lowestSizeOfEachBucketIsItsLowerEdge() {
            for (int b = 1; b < 64; b++) {
                long low = EmmallocBuckets.lowestSizeOf(b);
                assertThat(EmmallocBuckets.bucketOf(low)).isEqualTo(b);
                assertThat(EmmallocBuckets.bucketOf(low - 1)).isEqualTo(b - 1);
            }
            assertThat(EmmallocBuckets.lowestSizeOf(0)).isZero();
        }

        @Test
        void aFreedRegionIsFiledInTheBucketOfItsSize() {
            Emmalloc heap = posix();
            long a = heap.malloc(1000);
            heap.malloc(16); // keeps a's region from merging with the top
            heap.free(a);
            EmmallocStats s = heap.emmallocStats();
            long regionBytes = heap.memory().getI32(a - 4);
            assertThat(regionBytes).isBetween(1008L, 1008L + 12); // 1000 bytes + two size words (+ a scrap too small to split)
            int bucket = EmmallocBuckets.bucketOf(regionBytes);
            assertThat(s.freeRegionsByBucket()[bucket]).isEqualTo(1);
            assertThat(s.freeBytesByBucket()[bucket]).isEqualTo(regionBytes);
            long total = 0;
            for (long bytes : s.freeBytesByBucket()) {
                total += bytes;
            }
            assertThat(total).isEqualTo(s.freeBytes()).isEqualTo(heap.stats().freeBytes());
        }
    }

    @Nested
    class Layout {

        @Test
        void sizesLiveAtBothEndsOfARegion() {
            Emmalloc heap = posix();
            LinearMemory m = heap.memory();
            long p = heap.malloc(100);
            long size = m.getI32(p - 4);
            assertThat(size).isEqualTo(heap.usableSize(p) + 8);
            assertThat(m.getI32(p - 4 + size - 4)).as("ceiling size of a used region").isEqualTo((int) size);
            heap.malloc(16);
            heap.free(p);
            assertThat(m.getI32(p - 4 + size - 4)).as("ceiling of a free region has the free bit").isEqualTo((int) size | 1);
        }

        @Test
        void mallocZeroIsAUniqueMinimumBlock() {
            Emmalloc heap = posix();
            long a = heap.malloc(0);
            long b = heap.malloc(0);
            assertThat(a).isNotZero().isNotEqualTo(b);
            assertThat(heap.usableSize(a)).isGreaterThanOrEqualTo(8);
        }

        @Test
        void everyPayloadIsEightByteAligned() {
            Emmalloc heap = posix();
            for (int n = 0; n < 200; n++) {
                assertThat(heap.malloc(n) % 8).isZero();
            }
            heap.checkInvariants();
        }

        @Test
        void alignmentSlackJoinsTheRegionBelow() {
            Emmalloc heap = posix();
            long a = heap.malloc(8);
            long usableBefore = heap.usableSize(a);
            long b = heap.memalign(4096, 64);
            assertThat(b % 4096).isZero();
            assertThat(heap.usableSize(a)).as("a's region grew to reach b's aligned payload")
                    .isEqualTo(b - 8 - a).isGreaterThan(usableBefore);
            heap.checkInvariants();
        }

        @Test
        void neighboursMergeInEveryFreeOrder() {
            int[][] orders = {{0, 1, 2}, {2, 1, 0}, {1, 0, 2}, {0, 2, 1}, {1, 2, 0}, {2, 0, 1}};
            for (int[] order : orders) {
                Emmalloc heap = posix();
                long[] p = {heap.malloc(40), heap.malloc(56), heap.malloc(72)};
                long guard = heap.malloc(8);
                long freeRegionsBefore = heap.emmallocStats().freeRegions();
                for (int i : order) {
                    heap.free(p[i]);
                    heap.checkInvariants();
                }
                assertThat(heap.emmallocStats().freeRegions()).isEqualTo(freeRegionsBefore + 1);
                assertThat(heap.malloc(40 + 56 + 72 + 16)).as("the merged region serves a request for all three").isEqualTo(p[0]);
                heap.free(guard);
            }
        }

        @Test
        void contiguousSbrksExtendOneAreaAndOthersStartANewRootRegion() {
            LinearMemory m = memory();
            HeapSource source = HeapSource.emscriptenSbrk(m);
            Emmalloc heap = Emmalloc.create(source);
            heap.malloc(100);
            heap.malloc(100_000);
            heap.malloc(100_000);
            assertThat(heap.emmallocStats().rootRegions()).isEqualTo(1);
            source.sbrk(100); // another user of the break
            heap.malloc(200_000);
            assertThat(heap.emmallocStats().rootRegions()).isEqualTo(2);
            heap.checkInvariants();
            AllocatorStats s = heap.stats();
            assertThat(s.footprintBytes()).isEqualTo(source.breakAddress() - source.heapBaseAddress() - 100);
        }

        @Test
        void memory64UsesEightByteWords() {
            LinearMemory m = LinearMemory.create(MemoryType.i64(1, 1024));
            Emmalloc heap = Emmalloc.create(HeapSource.emscriptenSbrk(m));
            long p = heap.malloc(100);
            assertThat(p % 16).isZero();
            assertThat(m.getI64(p - 8)).isEqualTo(heap.usableSize(p) + 16);
            heap.checkInvariants();
        }
    }

    @Nested
    class Realloc {

        @Test
        void growsInPlaceIntoTheFollowingFreeRegion() {
            Emmalloc heap = posix();
            long a = heap.malloc(64);
            long b = heap.malloc(256);
            heap.malloc(8);
            heap.free(b);
            fill(heap, a, 64, 1);
            assertThat(heap.realloc(a, 200)).isEqualTo(a);
            assertThat(heap.usableSize(a)).isGreaterThanOrEqualTo(200);
            verify(heap, a, 64, 1);
            assertThat(heap.realloc(a, 64 + 256 + 8)).as("swallowing the whole free region").isEqualTo(a);
            heap.checkInvariants();
        }

        @Test
        void shrinksInPlaceLeavingAFreeRegion() {
            Emmalloc heap = posix();
            long a = heap.malloc(1000);
            heap.malloc(8);
            fill(heap, a, 1000, 2);
            long freeBefore = heap.stats().freeBytes();
            long usableBefore = heap.usableSize(a);
            assertThat(heap.realloc(a, 100)).isEqualTo(a);
            assertThat(heap.stats().freeBytes()).isEqualTo(freeBefore + usableBefore - 100);
            verify(heap, a, 100, 2);
            assertThat(heap.realloc(a, 96)).as("a free region above moves down by any amount").isEqualTo(a);
            assertThat(heap.usableSize(a)).isEqualTo(96);
            Emmalloc fresh = posix();
            long c = fresh.malloc(200);
            long d = fresh.malloc(8);
            long usable = fresh.usableSize(c);
            assertThat(d - 4).as("d's region follows c's").isEqualTo(c - 4 + usable + 8);
            assertThat(fresh.realloc(c, usable - 4)).as("below a used region, a shrink too small to leave a region changes nothing").isEqualTo(c);
            assertThat(fresh.usableSize(c)).isEqualTo(usable);
            fresh.checkInvariants();
            heap.checkInvariants();
        }

        @Test
        void movesWhenTheNextRegionIsUsedAndKeepsTheContents() {
            Emmalloc heap = posix();
            long a = heap.malloc(64);
            heap.malloc(8);
            fill(heap, a, 64, 3);
            long b = heap.realloc(a, 5000);
            assertThat(b).isNotEqualTo(a);
            verify(heap, b, 64, 3);
            assertThatThrownBy(() -> heap.free(a)).isInstanceOf(DoubleFreeException.class);
            heap.checkInvariants();
        }

        @Test
        void failureKeepsTheOldBlock() {
            LinearMemory m = LinearMemory.create(MemoryType.i32(1, 4));
            Emmalloc heap = Emmalloc.create(HeapSource.emscriptenSbrk(m));
            long a = heap.malloc(100);
            fill(heap, a, 100, 4);
            assertThat(heap.realloc(a, 1 << 20)).isZero();
            assertThat(heap.errno()).isEqualTo(Errno.ENOMEM);
            verify(heap, a, 100, 4);
            assertThat(heap.realloc(a, -1)).isZero();
            verify(heap, a, 100, 4);
            heap.checkInvariants();
        }

        @Test
        void zeroSizeFreesOrReturnsAMinimumBlockByPolicy() {
            Emmalloc heap = posix();
            long a = heap.malloc(100);
            assertThat(heap.realloc(a, 0)).isZero();
            assertThat(heap.stats().liveBlocks()).isZero();
            Emmalloc keeping = Emmalloc.builder(HeapSource.emscriptenSbrk(memory()))
                    .reallocZeroPolicy(ReallocZeroPolicy.RETURN_MINIMUM_BLOCK).build();
            long b = keeping.malloc(100);
            long c = keeping.realloc(b, 0);
            assertThat(c).isNotZero();
            assertThat(keeping.usableSize(c)).isEqualTo(8);
            keeping.checkInvariants();
        }
    }

    @Nested
    class Trimming {

        @Test
        void trimGivesTheFreeTopBackAndLowersTheBreak() {
            LinearMemory m = memory();
            HeapSource source = HeapSource.emscriptenSbrk(m);
            Emmalloc heap = Emmalloc.create(source);
            long small = heap.malloc(16);
            long big = heap.malloc(1 << 20);
            long footprint = heap.stats().footprintBytes();
            long brk = source.breakAddress();
            heap.free(big);
            long released = heap.trim(0);
            assertThat(released).isGreaterThanOrEqualTo(1 << 20);
            assertThat(source.breakAddress()).isEqualTo(brk - released);
            AllocatorStats s = heap.stats();
            assertThat(s.footprintBytes()).isEqualTo(footprint - released);
            assertThat(s.peakFootprintBytes()).isEqualTo(footprint);
            assertThat(s.trimmedBytes()).isEqualTo(released);
            assertThat(s.freeBytes()).as("nothing free is left at the top").isZero();
            assertThat(heap.trim(0)).isZero();
            heap.checkInvariants();
            assertThat(heap.usableSize(small)).isGreaterThanOrEqualTo(16);
            long again = heap.malloc(1 << 20);
            assertThat(again).isNotZero();
            heap.checkInvariants();
        }

        @Test
        void trimKeepsThePad() {
            Emmalloc heap = posix();
            heap.malloc(16);
            heap.free(heap.malloc(100_000));
            long top = heap.stats().freeBytes();
            long released = heap.trim(4096);
            assertThat(released).isEqualTo(top - 4096);
            assertThat(heap.stats().freeBytes()).isEqualTo(4096);
            heap.checkInvariants();
        }

        @Test
        void trimDoesNothingWhenTheTopIsUsedOrAnotherUserMovedTheBreak() {
            HeapSource source = HeapSource.emscriptenSbrk(memory());
            Emmalloc heap = Emmalloc.create(source);
            long a = heap.malloc(100_000);
            heap.malloc(4);
            heap.malloc(heap.stats().freeBytes() - 12); // takes the whole free top, whatever its alignment
            assertThat(heap.stats().freeBytes()).isZero();
            assertThat(heap.trim(0)).isZero();
            heap.free(a);
            long b = heap.malloc(200_000);
            heap.free(b);
            source.sbrk(64);
            assertThat(heap.trim(0)).as("the break is no longer the heap's end").isZero();
            heap.checkInvariants();
        }

        @Test
        void trimmedPagesGoBackToTheAddressSpace() {
            AddressSpace space = AddressSpace.builder(memory()).pageSizeBytes(AddressSpace.LINUX_PAGE_BYTES).build();
            Emmalloc heap = Emmalloc.create(HeapSource.addressSpace(space));
            heap.malloc(16);
            long big = heap.malloc(1 << 20);
            long heapBytes = space.stats().heapBytes();
            heap.free(big);
            long released = heap.trim(0);
            assertThat(released).isGreaterThanOrEqualTo(1 << 20);
            assertThat(space.stats().heapBytes()).isLessThanOrEqualTo(heapBytes - released + AddressSpace.LINUX_PAGE_BYTES);
            space.checkInvariants();
            heap.checkInvariants();
            assertThat(heap.malloc(1 << 20)).isNotZero();
            heap.checkInvariants();
        }

        @Test
        void autoTrimReleasesLargeFreeTops() {
            Emmalloc heap = Emmalloc.builder(HeapSource.emscriptenSbrk(memory())).trimThresholdBytes(64 * 1024, 0).build();
            heap.malloc(16);
            long big = heap.malloc(1 << 20);
            heap.free(big);
            assertThat(heap.stats().trimmedBytes()).isGreaterThanOrEqualTo(1 << 20);
            heap.checkInvariants();
        }

        @Test
        void dynamicHeapSizeFollowsClaimsAndTrims() {
            Emmalloc heap = posix();
            heap.malloc(16);
            long big = heap.malloc(300_000);
            EmmallocStats before = heap.emmallocStats();
            heap.free(big);
            long released = heap.trim(0);
            EmmallocStats after = heap.emmallocStats();
            assertThat(after.dynamicHeapSizeBytes()).isEqualTo(before.dynamicHeapSizeBytes() - released);
            assertThat(before.dynamicHeapSizeBytes() + before.bucketTableBytes()).isEqualTo(heap.stats().footprintBytes() + released);
        }
    }

    @Test
    void threadsHandBlocksToEachOtherWithoutCorruption() throws Exception {
        Emmalloc heap = Emmalloc.builder(HeapSource.emscriptenSbrk(LinearMemory.create(MemoryType.i32(1, 2048))))
                .checking(Emmalloc.Checking.DEBUG).build();
        int threads = 4;
        int rounds = 3000;
        java.util.concurrent.atomic.AtomicLongArray slots = new java.util.concurrent.atomic.AtomicLongArray(64);
        java.util.concurrent.atomic.AtomicLongArray sizes = new java.util.concurrent.atomic.AtomicLongArray(64);
        java.util.List<Thread> workers = new java.util.ArrayList<>();
        java.util.concurrent.ConcurrentLinkedQueue<Throwable> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
        for (int t = 0; t < threads; t++) {
            long seed = t;
            Thread worker = new Thread(() -> {
                SplittableRandom rnd = new SplittableRandom(seed);
                try {
                    for (int i = 0; i < rounds; i++) {
                        int slot = rnd.nextInt(64);
                        long size = rnd.nextInt(1, 2000);
                        long p = heap.malloc(size);
                        fill(heap, p, size, p);
                        synchronized (slots) {
                            long old = slots.getAndSet(slot, p);
                            long oldSize = sizes.getAndSet(slot, size);
                            if (old != 0) {
                                verify(heap, old, oldSize, old);
                                heap.free(old);
                            }
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        assertThat(failures).isEmpty();
        heap.checkInvariants();
        for (int i = 0; i < 64; i++) {
            if (slots.get(i) != 0) {
                verify(heap, slots.get(i), sizes.get(i), slots.get(i));
                heap.free(slots.get(i));
            }
        }
        assertThat(heap.stats().liveBlocks()).isZero();
        heap.checkInvariants();
    }

    static void fill(Allocator heap, long p, long size, long seed) {
        byte[] bytes = new byte[(int) size];
        new SplittableRandom(seed).nextBytes(bytes);
        heap.memory().write(p, bytes, 0, bytes.length);
    }

    static void verify(Allocator heap, long p, long size, long seed) {
        byte[] expected = new byte[(int) size];
        new SplittableRandom(seed).nextBytes(expected);
        byte[] actual = new byte[(int) size];
        heap.memory().read(p, actual, 0, actual.length);
        assertThat(actual).as("contents at 0x%x", p).isEqualTo(expected);
    }
}
