package dev.linmem.emscripten;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linmem.memory.LinearMemory;
import dev.linmem.memory.MemoryType;
import dev.linmem.space.Errno;
import dev.linmem.space.Mman;
import dev.linmem.testing.ModelCheck;
import dev.linmem.testing.Op;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Model-based test of the EMSCRIPTEN profile against a reference model of Emscripten's rules:
 * random mmaps (some with an address, some of length 0), whole, partial and wild munmaps,
 * mremaps, madvise and mprotect. Every mapping holds its own pattern, verified when it is
 * unmapped and after every madvise; leaked bytes are modelled per 4 KiB page (all generated
 * ranges are page multiples); {@code checkInvariants} and the statistics are checked after
 * every step, over both mallocs.
 */
class EmscriptenMmapModelTest {

    static final long PAGE = 4096;
    static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    static final int ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;

    static final class Mapped {
        final long address;
        final long length;
        final long id;
        final BitSet refusedPages = new BitSet();

        Mapped(long address, long length, long id) {
            this.address = address;
            this.length = length;
            this.id = id;
        }
    }

    static final class Ctx {
        final EmscriptenMmap mapper;
        final TreeMap<Long, Mapped> live = new TreeMap<>();
        final List<Long> order = new ArrayList<>();
        long nextId = 1;

        Ctx(EmscriptenMmap.Malloc malloc) {
            mapper = EmscriptenMmap.create(LinearMemory.create(MemoryType.i32(1, 512)), malloc);
        }

        Mapped pick(int index) {
            return live.get(order.get(Math.floorMod(index, order.size())));
        }

        void fill(Mapped m) {
            if (m.length > 0) {
                mapper.memory().write(m.address, pattern(m.id, m.length), 0, (int) m.length);
            }
        }

        void verify(Mapped m) {
            byte[] actual = new byte[(int) m.length];
            mapper.memory().read(m.address, actual, 0, actual.length);
            assertThat(actual).as("contents of mapping #%d", m.id).isEqualTo(pattern(m.id, m.length));
        }

        /** Emscripten's rule for a refused munmap: the named pages of live mappings count as leaked. */
        void refused(long addr, long length) {
            for (Mapped m : live.values()) {
                long start = Math.max(addr, m.address);
                long end = Math.min(addr + length, m.address + m.length);
                if (start < end) {
                    m.refusedPages.set((int) ((start - m.address) / PAGE), (int) ((end - m.address) / PAGE));
                }
            }
        }
    }

    static byte[] pattern(long id, long length) {
        byte[] p = new byte[(int) length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (id * 131 + i * 7 + (i >>> 9));
        }
        return p;
    }

    record Mmap(long pages, boolean withAddress) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            long length = pages * PAGE;
            long hint = withAddress ? 0x10_0000L : 0;
            long r = c.mapper.mmap(hint, length, RW, ANON);
            if (withAddress) {
                assertThat(r).isEqualTo(Errno.EINVAL.result());
                return;
            }
            if (Errno.isError(r)) {
                assertThat(r).isEqualTo(Errno.ENOMEM.result());
                return;
            }
            assertThat(r % 65_536).isZero();
            Map.Entry<Long, Mapped> below = c.live.floorEntry(r);
            if (below != null) {
                assertThat(below.getKey() + below.getValue().length + c.mapper.nodeBytes()).isLessThanOrEqualTo(r);
            }
            byte[] zero = new byte[(int) length];
            byte[] actual = new byte[(int) length];
            c.mapper.memory().read(r, actual, 0, actual.length);
            assertThat(actual).as("a new mapping reads zero").isEqualTo(zero);
            Mapped m = new Mapped(r, length, c.nextId++);
            c.fill(m);
            c.live.put(r, m);
            c.order.add(r);
        }
    }

    record MunmapWhole(int index) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            if (c.live.isEmpty()) {
                return;
            }
            Mapped m = c.pick(index);
            c.verify(m);
            long r = c.mapper.munmap(m.address, m.length);
            if (m.length == 0) {
                assertThat(r).isEqualTo(Errno.EINVAL.result());
                return;
            }
            assertThat(r).isZero();
            c.live.remove(m.address);
            c.order.remove(m.address);
        }
    }

    record MunmapPart(int index, long fromPage, long pages) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            if (c.live.isEmpty()) {
                return;
            }
            Mapped m = c.pick(index);
            long total = m.length / PAGE;
            long from = total == 0 ? 0 : fromPage % total;
            long count = Math.max(1, Math.min(pages, total - from));
            if (from == 0 && count == total) {
                count = total + 1; // never the whole mapping: one page too long
            }
            long addr = m.address + from * PAGE;
            long r = c.mapper.munmap(addr, count * PAGE);
            assertThat(r).as("partial munmap").isEqualTo(Errno.EINVAL.result());
            c.refused(addr, count * PAGE);
            c.verify(m);
        }
    }

    record MunmapWild(long pageNumber, long pages) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            long addr = pageNumber * PAGE;
            long length = pages * PAGE;
            Mapped exact = c.live.get(addr);
            long r = c.mapper.munmap(addr, length);
            if (exact != null && exact.length == length && length > 0) {
                assertThat(r).isZero();
                c.live.remove(addr);
                c.order.remove(addr);
                return;
            }
            assertThat(r).isEqualTo(Errno.EINVAL.result());
            c.refused(addr, length);
        }
    }

    record Mremap(int index, long newPages, int flags) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            long addr = c.live.isEmpty() ? 0x20_0000L : c.pick(index).address;
            long oldLength = c.live.isEmpty() ? PAGE : c.pick(index).length;
            assertThat(c.mapper.mremap(addr, oldLength, newPages * PAGE, flags, 0)).isEqualTo(Errno.ENOMEM.result());
        }
    }

    record AdviseAndProtect(int index) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            if (c.live.isEmpty()) {
                return;
            }
            Mapped m = c.pick(index);
            assertThat(c.mapper.madvise(m.address, m.length, Mman.MADV_DONTNEED)).isZero();
            assertThat(c.mapper.mprotect(m.address, m.length, Mman.PROT_NONE)).isZero();
            c.verify(m);
        }
    }

    static void agreesWithModel(Ctx c) {
        c.mapper.checkInvariants();
        EmscriptenMmapStats s = c.mapper.stats();
        long mapped = 0;
        long leaked = 0;
        int zero = 0;
        for (Mapped m : c.live.values()) {
            mapped += m.length;
            leaked += m.refusedPages.cardinality() * PAGE;
            zero += m.length == 0 ? 1 : 0;
        }
        assertThat(s.mappingCount()).isEqualTo(c.live.size());
        assertThat(s.mappedBytes()).isEqualTo(mapped);
        assertThat(s.leakedBytes()).isEqualTo(leaked);
        assertThat(s.unmappableMappings()).isEqualTo(zero);
        assertThat(s.bookkeepingBytes()).isEqualTo(c.live.size() * c.mapper.nodeBytes());
        assertThat(c.mapper.mappings()).extracting(i -> i.startAddress()).containsExactlyElementsOf(c.live.keySet());
    }

    static ModelCheck<Ctx> model(EmscriptenMmap.Malloc malloc) {
        return ModelCheck.<Ctx>of("emscripten mmap over " + malloc, () -> new Ctx(malloc))
                .op(30, (rnd, c) -> new Mmap(rnd.nextInt(8) == 0 ? 0 : rnd.nextInt(1, rnd.nextBoolean() ? 4 : 48),
                        rnd.nextInt(10) == 0))
                .op(25, (rnd, c) -> new MunmapWhole(rnd.nextInt(1 << 20)))
                .op(10, (rnd, c) -> new MunmapPart(rnd.nextInt(1 << 20), rnd.nextInt(48), rnd.nextInt(1, 48)))
                .op(8, (rnd, c) -> new MunmapWild(rnd.nextInt(16, 8192), rnd.nextInt(0, 64)))
                .op(4, (rnd, c) -> new Mremap(rnd.nextInt(1 << 20), rnd.nextInt(1, 64), rnd.nextInt(0, 8)))
                .op(4, (rnd, c) -> new AdviseAndProtect(rnd.nextInt(1 << 20)))
                .invariant(EmscriptenMmapModelTest::agreesWithModel);
    }

    @Test
    void overDlmalloc() {
        model(EmscriptenMmap.Malloc.DLMALLOC).runSeeds(3_000, 0xE3E1);
    }

    @Test
    void overEmmalloc() {
        model(EmscriptenMmap.Malloc.EMMALLOC).runSeeds(5_000, 0xE3E2);
    }
}
