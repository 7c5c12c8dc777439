package dev.linmem.space;

import static dev.linmem.space.SpaceFixture.ANON;
import static dev.linmem.space.SpaceFixture.P;
import static dev.linmem.space.SpaceFixture.RW;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** PHP's zend_alloc patterns on the LINUX profile (4 KiB pages, memory up to 64 MiB). */
class PhpPatternTest {

    static final long CHUNK = 2L << 20;

    final SpaceFixture f = SpaceFixture.withBuilder(1024, b -> b.placement(PlacementPolicy.defaultPolicy()));
    final AddressSpace s = f.space;

    @AfterEach
    void invariantsHold() {
        f.check();
    }

    /** zend_mm_chunk_alloc_int: map 2 MiB; if unaligned, map 4 MiB - 4 KiB and trim head and tail. */
    long chunk() {
        long a = s.mmap(0, CHUNK, RW, ANON);
        assertThat(a).isPositive();
        if ((a & (CHUNK - 1)) == 0) {
            return a;
        }
        assertThat(s.munmap(a, CHUNK)).isZero();
        long big = s.mmap(0, 2 * CHUNK - P, RW, ANON);
        assertThat(big).isPositive();
        long aligned = (big + CHUNK - 1) & -CHUNK;
        if (aligned > big) {
            assertThat(s.munmap(big, aligned - big)).isZero();
        }
        long tail = big + 2 * CHUNK - P - (aligned + CHUNK);
        if (tail > 0) {
            assertThat(s.munmap(aligned + CHUNK, tail)).isZero();
        }
        return aligned;
    }

    @Test
    void chunkAlignedByMapTwiceAndTrimLeavesExactlyTheChunk() {
        long first = chunk();
        long second = chunk();
        assertThat(first % CHUNK).isZero();
        assertThat(second % CHUNK).isZero();
        assertThat(s.mappings()).extracting(MappingInfo::sizeBytes).containsOnly(CHUNK);
        assertThat(s.stats().mappedBytes()).isEqualTo(2 * CHUNK);
        f.assertBytes(second, CHUNK / P, 0);
    }

    @Test
    void alignedMappingFindsTheChunkWithoutTrimming() {
        long a = s.mmap(0, P, RW, ANON); // misalign what follows
        long c = s.mmapAligned(CHUNK, CHUNK, RW);
        assertThat(c % CHUNK).isZero();
        assertThat(s.mappings()).hasSize(2);
        assertThat(a).isPositive();
        assertThat(Errno.of(s.mmapAligned(CHUNK, CHUNK + P, RW))).isEqualTo(Errno.EINVAL);
        assertThat(Errno.of(s.mmapAligned(CHUNK, P / 2, RW))).isEqualTo(Errno.EINVAL);
    }

    @Test
    void hugeBlockGrowsInPlaceWithMremap() {
        long block = s.mmap(0, 3 * CHUNK / 2, RW, ANON);
        f.fill(block, 3 * CHUNK / 2 / P, 0x48);
        long size = 3 * CHUNK / 2;
        for (int i = 0; i < 64; i++) {
            assertThat(s.mremap(block, size, size + 16 * 1024, 0, 0)).isEqualTo(block);
            size += 16 * 1024;
        }
        f.assertBytes(block, 3 * CHUNK / 2 / P, 0x48);
        f.assertBytes(block + 3 * CHUNK / 2, (size - 3 * CHUNK / 2) / P, 0);
        assertThat(s.stats().inPlaceGrowths()).isEqualTo(64);
    }

    @Test
    void hugeBlockGrowsInPlaceWithHintedMmapsAndIsFreedInOneMunmap() {
        long block = s.mmap(0, 3 * CHUNK / 2, RW, ANON);
        long end = block + 3 * CHUNK / 2;
        for (int i = 0; i < 16; i++) {
            assertThat(s.mmap(end, 64 * 1024, RW, ANON)).isEqualTo(end);
            end += 64 * 1024;
        }
        assertThat(s.stats().inPlaceGrowths()).isEqualTo(16);
        assertThat(s.munmap(block, end - block)).isZero(); // one munmap covers all the pieces
        assertThat(s.stats().mappedBytes()).isZero();
    }

    @Test
    void growthAwarePlacementKeepsNewChunksOutOfAGrowingBlocksWay() {
        long block = s.mmap(0, 3 * CHUNK / 2, RW, ANON);
        assertThat(s.mremap(block, 3 * CHUNK / 2, 2 * CHUNK, 0, 0)).isEqualTo(block); // now a grower
        long hole = s.mmap(0, 2 * CHUNK, RW, ANON); // leave a hole right behind it below the top
        long after = s.mmap(0, P, RW, ANON);
        assertThat(s.munmap(hole, 2 * CHUNK)).isZero();
        long small = s.mmap(0, 16 * P, RW, ANON);
        assertThat(small).isEqualTo(hole + 2 * CHUNK - 16 * P); // top of the hole, not right behind the block
        assertThat(s.mremap(block, 2 * CHUNK, 3 * CHUNK, 0, 0)).isEqualTo(block);
        assertThat(after).isPositive();
    }

    @Test
    void hugeBlockShrinksWithATailMunmap() {
        long block = s.mmap(0, 4 * CHUNK, RW, ANON);
        f.fill(block, 4 * CHUNK / P, 0x53);
        assertThat(s.munmap(block + 3 * CHUNK, CHUNK)).isZero();
        assertThat(s.mappings()).singleElement().satisfies(m -> assertThat(m.sizeBytes()).isEqualTo(3 * CHUNK));
        f.assertBytes(block, 3 * CHUNK / P, 0x53);
        assertThat(s.mremap(block, 3 * CHUNK, 2 * CHUNK, 0, 0)).isEqualTo(block); // and with mremap
        assertThat(s.stats().mappedBytes()).isEqualTo(2 * CHUNK);
    }

    @Test
    void afterFreeingEverythingMappedBytesReturnToZeroAndMemoryIsReused() {
        long[] chunks = new long[6];
        for (int i = 0; i < chunks.length; i++) {
            chunks[i] = chunk();
        }
        long block = s.mmap(0, 5 * CHUNK / 2, RW, ANON);
        assertThat(s.mremap(block, 5 * CHUNK / 2, 3 * CHUNK, Mman.MREMAP_MAYMOVE, 0)).isPositive();
        long memory = s.memory().sizeBytes();
        for (MappingInfo m : s.mappings()) {
            assertThat(s.munmap(m.startAddress(), m.sizeBytes())).isZero();
        }
        assertThat(s.stats().mappedBytes()).isZero();
        assertThat(s.stats().mappingCount()).isZero();
        for (int i = 0; i < chunks.length; i++) {
            chunk();
        }
        assertThat(s.memory().sizeBytes()).isEqualTo(memory); // the same pages serve again
    }
}
