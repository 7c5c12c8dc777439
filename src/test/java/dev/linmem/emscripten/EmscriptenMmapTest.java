package dev.linmem.emscripten;

import static dev.linmem.space.Mman.MAP_ANONYMOUS;
import static dev.linmem.space.Mman.MAP_FIXED;
import static dev.linmem.space.Mman.MAP_PRIVATE;
import static dev.linmem.space.Mman.PROT_READ;
import static dev.linmem.space.Mman.PROT_WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.linmem.alloc.HeapCorruptionException;
import dev.linmem.memory.LinearMemory;
import dev.linmem.memory.MemoryType;
import dev.linmem.space.AddressSpace;
import dev.linmem.space.Errno;
import dev.linmem.space.MemoryMapper;
import dev.linmem.space.Mman;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The EMSCRIPTEN profile, over both of Emscripten's mallocs: the cases of Emscripten's own
 * tests (test_mmap_anon: zeroed anonymous memory, partial munmap EINVAL, bad address or length 0
 * EINVAL) and the quirks docs/semantics.md lists, then PHP's chunk pattern, whose trims
 * Emscripten refuses, leaking exactly the 4 MiB - 4 KiB each chunk took.
 */
class EmscriptenMmapTest {

    static final int RW = PROT_READ | PROT_WRITE;
    static final int ANON = MAP_PRIVATE | MAP_ANONYMOUS;
    static final long KIB = 1024;
    static final long MIB = 1024 * KIB;

    static EmscriptenMmap mapper(EmscriptenMmap.Malloc malloc) {
        return EmscriptenMmap.create(LinearMemory.create(MemoryType.i32(1, 4096)), malloc);
    }

    static long errno(Errno e) {
        return e.result();
    }

    @ParameterizedTest
    @EnumSource(EmscriptenMmap.Malloc.class)
    void anonymousMappingsAreZeroedWasmPageAlignedAndUnmappedOnlyWhole(EmscriptenMmap.Malloc malloc) {
        EmscriptenMmap m = mapper(malloc);
        long length = 10 * 4096;
        long p = m.mmap(0, length, RW, ANON);
        assertThat(p).isPositive();
        assertThat(p % 65_536).isZero();
        byte[] data = new byte[(int) length];
        m.memory().read(p, data, 0, data.length);
        assertThat(data).containsOnly((byte) 0);
        m.memory().fill(p, length, (byte) 0x5A);

        assertThat(m.munmap(p, 4096)).as("partial munmap (head)").isEqualTo(errno(Errno.EINVAL));
        assertThat(m.munmap(p + 4096, length - 4096)).as("partial munmap (tail)").isEqualTo(errno(Errno.EINVAL));
        assertThat(m.munmap(p, length + 4096)).as("longer than the mapping").isEqualTo(errno(Errno.EINVAL));
        assertThat(m.munmap(p, 0)).isEqualTo(errno(Errno.EINVAL));
        m.memory().read(p, data, 0, data.length);
        assertThat(data).as("a refused munmap frees nothing").containsOnly((byte) 0x5A);
        m.checkInvariants();

        assertThat(m.munmap(p, length)).isZero();
        assertThat(m.munmap(p, length)).as("already unmapped").isEqualTo(errno(Errno.EINVAL));
        assertThat(m.stats().mappingCount()).isZero();
        m.checkInvariants();

        long q = m.mmap(0, length, RW, ANON);
        m.memory().read(q, data, 0, data.length);
        assertThat(data).as("a new mapping over reused heap memory is cleared").containsOnly((byte) 0);
        m.checkInvariants();
    }

    @ParameterizedTest
    @EnumSource(EmscriptenMmap.Malloc.class)
    void anyAddressIsEinvalButMapFixedAtNullSucceeds(EmscriptenMmap.Malloc malloc) {
        EmscriptenMmap m = mapper(malloc);
        long p = m.mmap(0, 65_536, RW, ANON);
        assertThat(m.mmap(p + 65_536, 65_536, RW, ANON)).as("a free hint").isEqualTo(errno(Errno.EINVAL));
        assertThat(m.mmap(p, 65_536, RW, ANON | MAP_FIXED)).isEqualTo(errno(Errno.EINVAL));
        assertThat(m.mmap(0x1000_0000L, 65_536, RW, ANON | Mman.MAP_FIXED_NOREPLACE)).isEqualTo(errno(Errno.EINVAL));
        long fixedAtNull = m.mmap(0, 65_536, RW, ANON | MAP_FIXED);
        assertThat(fixedAtNull).as("MAP_FIXED is never looked at when the address is NULL").isPositive();
        assertThat(m.stats().mappingCount()).isEqualTo(2);
        m.checkInvariants();
    }

    @ParameterizedTest
    @EnumSource(EmscriptenMmap.Malloc.class)
    void lengthZeroSucceedsAndCanNeverBeUnmapped(EmscriptenMmap.Malloc malloc) {
        EmscriptenMmap m = mapper(malloc);
        long p = m.mmap(0, 0, RW, ANON);
        assertThat(p).isPositive();
        assertThat(p % 65_536).isZero();
        for (long length : new long[] {0, 1, 4096, 65_536}) {
            assertThat(m.munmap(p, length)).isEqualTo(errno(Errno.EINVAL));
        }
        EmscriptenMmapStats s = m.stats();
        assertThat(s.unmappableMappings()).isEqualTo(1);
        assertThat(s.mappingCount()).isEqualTo(1);
        assertThat(s.mappedBytes()).isZero();
        assertThat(s.heapBlockBytes()).as("the node still takes heap memory").isGreaterThanOrEqualTo(m.nodeBytes());
        m.checkInvariants();
    }

    @ParameterizedTest
    @EnumSource(EmscriptenMmap.Malloc.class)
    void muslAndEmscriptenArgumentChecks(EmscriptenMmap.Malloc malloc) {
        EmscriptenMmap m = mapper(malloc);
        assertThat(m.mmap(0, 4096, RW, ANON, -1, 100)).as("offset not a multiple of 4 KiB").isEqualTo(errno(Errno.EINVAL));
        assertThat(m.mmap(0, 4096, RW, ANON, -1, 8192)).as("an anonymous mapping ignores a whole offset").isPositive();
        assertThat(m.mmap(0, Integer.MAX_VALUE, RW, ANON)).as("length >= PTRDIFF_MAX").isEqualTo(errno(Errno.ENOMEM));
        assertThat(m.mmap(0, -1, RW, ANON)).isEqualTo(errno(Errno.ENOMEM));
        assertThat(m.mmap(0, 4096, RW, MAP_PRIVATE, -1, 0)).as("no fd, not anonymous").isEqualTo(errno(Errno.EBADF));
        assertThat(m.mmap(0, 4096, RW, MAP_PRIVATE, 3, 0)).as("file mappings are not modelled").isEqualTo(errno(Errno.ENODEV));
        assertThat(m.mmap(0, 4096, 0x7fff, Mman.MAP_ANONYMOUS)).as("flags and prot are not checked").isPositive();
        assertThat(m.mmap(0, 1L << 30, RW, ANON)).as("malloc fails: the memory is 256 MiB at most").isEqualTo(errno(Errno.ENOMEM));
        assertThat(m.stats().failedMmaps()).isEqualTo(1);
        m.checkInvariants();
    }

    @ParameterizedTest
    @EnumSource(EmscriptenMmap.Malloc.class)
    void mremapFailsAndMprotectAndMadviseDoNothing(EmscriptenMmap.Malloc malloc) {
        EmscriptenMmap m = mapper(malloc);
        long p = m.mmap(0, 8192, RW, ANON);
        m.memory().fill(p, 8192, (byte) 7);
        assertThat(m.mremap(p, 8192, 4096, 0, 0)).as("even a shrink").isEqualTo(errno(Errno.ENOMEM));
        assertThat(m.mremap(p, 8192, 16_384, Mman.MREMAP_MAYMOVE, 0)).isEqualTo(errno(Errno.ENOMEM));
        assertThat(m.mremap(p, 8192, 8192, 0, 0)).isEqualTo(errno(Errno.ENOMEM));
        assertThat(m.mprotect(p, 4096, Mman.PROT_NONE)).isZero();
        assertThat(m.mprotect(p + 1, 4096, 0x7fff)).isZero();
        assertThat(m.madvise(p, 8192, Mman.MADV_DONTNEED)).isZero();
        assertThat(m.madvise(12345, 1, 999)).isZero();
        assertThat(m.memory().getI8(p + 100)).as("MADV_DONTNEED does not clear under Emscripten").isEqualTo((byte) 7);
        assertThat(m.mappings()).hasSize(1);
        assertThat(m.mappings().get(0).prot()).as("mprotect is not even recorded").isEqualTo(RW);
        m.checkInvariants();
    }

    @ParameterizedTest
    @EnumSource(EmscriptenMmap.Malloc.class)
    void theNodeFollowsTheMappingInTheHeapBlock(EmscriptenMmap.Malloc malloc) {
        EmscriptenMmap m = mapper(malloc);
        LinearMemory mem = m.memory();
        long a = m.mmap(0, 1000, RW, ANON);
        long b = m.mmap(0, 5000, PROT_READ, ANON);
        assertThat(mem.getI32(a + 1000)).as("addr").isEqualTo((int) a);
        assertThat(mem.getI32(a + 1004)).as("length").isEqualTo(1000);
        assertThat(mem.getI32(a + 1012)).as("fd").isEqualTo(-1);
        assertThat(mem.getI32(a + 1036)).as("a is the oldest: no next").isZero();
        assertThat(mem.getI32(b + 5036)).as("b, the newest, links to a's node").isEqualTo((int) (a + 1000));
        assertThat(mem.getI32(b + 5032)).as("prot").isEqualTo(PROT_READ);
        assertThat(m.allocator().usableSize(a)).isGreaterThanOrEqualTo(1000 + 40);
        assertThat(m.stats().bookkeepingBytes()).isEqualTo(80);

        int saved = mem.getI32(b + 5004);
        mem.putI32(b + 5004, 0); // an overrun of b's mapping reaches its node
        assertThatThrownBy(m::checkInvariants).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> m.munmap(a, 1000)).as("finding a walks through b's node")
                .isInstanceOf(HeapCorruptionException.class);
        assertThatThrownBy(() -> m.munmap(b, 5000)).isInstanceOf(HeapCorruptionException.class);
        mem.putI32(b + 5004, saved);
        m.checkInvariants();
        assertThat(m.munmap(a, 1000)).isZero();
        assertThat(m.munmap(b, 5000)).isZero();
        m.checkInvariants();
    }

    @ParameterizedTest
    @EnumSource(EmscriptenMmap.Malloc.class)
    void everyMappingIsClearedEvenFreshMemory(EmscriptenMmap.Malloc malloc) {
        EmscriptenMmap m = mapper(malloc);
        m.mmap(0, 3 * MIB, RW, ANON);
        long p = m.mmap(0, MIB, RW, ANON);
        m.munmap(p, MIB);
        m.mmap(0, MIB, RW, ANON);
        assertThat(m.stats().bytesZeroed()).isEqualTo(5 * MIB);
    }

    /** zend_alloc's zend_mm_chunk_alloc_int on a target without mremap, as PHP runs under Emscripten. */
    static long phpChunkAlloc(MemoryMapper m, long size, long alignment) {
        long ptr = m.mmap(0, size, RW, ANON);
        if (ptr % alignment == 0) {
            return ptr;
        }
        m.munmap(ptr, size);
        ptr = m.mmap(0, size + alignment - 4096, RW, ANON);
        long offset = ptr % alignment;
        long tail = alignment;
        if (offset != 0) {
            offset = alignment - offset;
            m.munmap(ptr, offset);
            ptr += offset;
            tail -= offset;
        }
        if (tail > 4096) {
            m.munmap(ptr + size, tail - 4096);
        }
        return ptr;
    }

    @ParameterizedTest
    @EnumSource(EmscriptenMmap.Malloc.class)
    void phpChunksLeakExactlyTheirOverAllocationUnderEmscriptenAndNothingUnderLinux(EmscriptenMmap.Malloc malloc) {
        long chunk = 2 * MIB;
        EmscriptenMmap em = mapper(malloc);
        List<Long> chunks = new ArrayList<>();
        long expectedLeak = 0;
        long expectedBlocks = 0;
        for (int i = 0; i < 3; i++) {
            long before = em.stats().mappedBytes();
            long c = phpChunkAlloc(em, chunk, chunk);
            assertThat(c % chunk).isZero();
            long taken = em.stats().mappedBytes() - before;
            assertThat(taken).as("either aligned at once, or the whole 4 MiB - 4 KiB stays").isIn(chunk, 2 * chunk - 4096);
            expectedLeak += taken == chunk ? 0 : taken;
            expectedBlocks += taken + em.nodeBytes();
            chunks.add(c);
            em.memory().fill(c, chunk, (byte) i);
        }
        for (long c : chunks) {
            em.munmap(c, chunk); // zend_mm_chunk_free
        }
        EmscriptenMmapStats s = em.stats();
        assertThat(expectedLeak).as("memalign(64 KiB) does not hand out 2 MiB-aligned blocks every time").isPositive();
        assertThat(s.mappedBytes()).isEqualTo(expectedLeak);
        assertThat(s.leakedBytes()).as("head, tail and chunk were all released by PHP").isEqualTo(expectedLeak);
        assertThat(em.allocator().stats().liveBytes()).as("each leaked mapping holds its block, node included")
                .isEqualTo(expectedLeak + s.mappingCount() * em.nodeBytes());
        assertThat(expectedBlocks).isGreaterThanOrEqualTo(s.mappedBytes());
        em.checkInvariants();

        AddressSpace linux = AddressSpace.builder(LinearMemory.create(MemoryType.i32(1, 4096))).build();
        List<Long> linuxChunks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            linuxChunks.add(phpChunkAlloc(linux, chunk, chunk));
        }
        for (long c : linuxChunks) {
            assertThat(linux.munmap(c, chunk)).isZero();
        }
        assertThat(linux.stats().mappedBytes()).as("Linux gives everything back").isZero();
    }

    @ParameterizedTest
    @EnumSource(EmscriptenMmap.Malloc.class)
    void threadsMapFillAndUnmapConcurrentlyWithoutCorruption(EmscriptenMmap.Malloc malloc) throws Exception {
        EmscriptenMmap m = mapper(malloc);
        List<Thread> threads = new ArrayList<>();
        java.util.concurrent.ConcurrentLinkedQueue<Throwable> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
        for (int t = 0; t < 4; t++) {
            byte mark = (byte) (t + 1);
            Thread thread = new Thread(() -> {
                try {
                    java.util.SplittableRandom rnd = new java.util.SplittableRandom(mark);
                    long[] held = new long[8];
                    long[] lengths = new long[8];
                    for (int i = 0; i < 400; i++) {
                        int slot = rnd.nextInt(held.length);
                        if (held[slot] != 0) {
                            byte[] contents = new byte[(int) lengths[slot]];
                            m.memory().read(held[slot], contents, 0, contents.length);
                            assertThat(contents).containsOnly(mark);
                            assertThat(m.munmap(held[slot], lengths[slot])).isZero();
                            held[slot] = 0;
                        } else {
                            lengths[slot] = rnd.nextInt(1, 40_000);
                            held[slot] = m.mmap(0, lengths[slot], RW, ANON);
                            assertThat(held[slot]).isPositive();
                            m.memory().fill(held[slot], lengths[slot], mark);
                        }
                    }
                    for (int slot = 0; slot < held.length; slot++) {
                        if (held[slot] != 0) {
                            assertThat(m.munmap(held[slot], lengths[slot])).isZero();
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(failures).isEmpty();
        assertThat(m.stats().mappingCount()).isZero();
        assertThat(m.allocator().stats().liveBlocks()).isZero();
        m.checkInvariants();
    }
}
