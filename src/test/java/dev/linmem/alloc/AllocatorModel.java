package dev.linmem.alloc;

import dev.linmem.space.Errno;
import dev.linmem.testing.ModelCheck;
import dev.linmem.testing.Op;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A model-based check for any {@link Allocator}: random malloc, calloc, realloc, memalign and
 * free against a reference model of live blocks. Every live block holds its own pattern, which
 * is verified on free and realloc; new blocks must be aligned, non-overlapping and (for calloc)
 * zero; after each step {@code checkInvariants} runs and the statistics must match the model.
 */
final class AllocatorModel {

    private AllocatorModel() {
    }

    /** One live block of the model. */
    record Block(long ptr, long size, long seed) {
    }

    /** The system under test and its model. */
    static final class Ctx {
        final Allocator heap;
        final List<Block> blocks = new ArrayList<>();
        final TreeMap<Long, Block> byAddress = new TreeMap<>();
        long nextSeed = 1;
        long steps;
        long liveBytes;

        Ctx(Allocator heap) {
            this.heap = heap;
        }

        void add(long ptr, long size, long alignment) {
            assertThat(ptr % alignment).as("0x%x aligned to %d", ptr, alignment).isZero();
            assertThat(heap.usableSize(ptr)).isGreaterThanOrEqualTo(size);
            Map.Entry<Long, Block> below = byAddress.floorEntry(ptr);
            if (below != null) {
                Block b = below.getValue();
                assertThat(b.ptr() + Math.max(1, b.size())).as("block 0x%x overlaps 0x%x", ptr, b.ptr()).isLessThanOrEqualTo(ptr);
            }
            Map.Entry<Long, Block> above = byAddress.ceilingEntry(ptr);
            if (above != null) {
                assertThat(ptr + Math.max(1, size)).as("block 0x%x overlaps 0x%x", ptr, above.getKey())
                        .isLessThanOrEqualTo(above.getKey());
            }
            Block b = new Block(ptr, size, nextSeed++);
            AllocatorContract.fill(heap, ptr, size, b.seed());
            blocks.add(b);
            byAddress.put(ptr, b);
            liveBytes += size;
        }

        Block remove(int index) {
            Block b = blocks.get(index);
            Block last = blocks.remove(blocks.size() - 1);
            if (index < blocks.size()) {
                blocks.set(index, last);
            }
            byAddress.remove(b.ptr());
            liveBytes -= b.size();
            return b;
        }

        void checkNull(long ptr) {
            if (ptr == Allocator.NULL) {
                assertThat(heap.errno()).isEqualTo(Errno.ENOMEM);
            }
        }
    }

    /** A size: mostly small, sometimes medium, rarely large (mapped chunks, trimming). */
    static long size(SplittableRandom rnd) {
        int r = rnd.nextInt(100);
        if (r < 60) {
            return rnd.nextInt(257);
        }
        if (r < 90) {
            return rnd.nextInt(8193);
        }
        if (r < 99) {
            return rnd.nextInt(65_000);
        }
        return 200_000 + rnd.nextInt(500_000);
    }

    record Malloc(long size) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            long p = c.heap.malloc(size);
            c.checkNull(p);
            if (p != Allocator.NULL) {
                c.add(p, size, 8);
            }
        }
    }

    record Calloc(long count, long size) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            long p = c.heap.calloc(count, size);
            c.checkNull(p);
            if (p != Allocator.NULL) {
                byte[] b = new byte[(int) (count * size)];
                c.heap.memory().read(p, b, 0, b.length);
                for (int i = 0; i < b.length; i++) {
                    if (b[i] != 0) {
                        throw new AssertionError("calloc byte " + i + " of 0x" + Long.toHexString(p) + " is " + b[i]);
                    }
                }
                c.add(p, count * size, 8);
            }
        }
    }

    record Memalign(int alignmentShift, long size) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            long alignment = 1L << alignmentShift;
            long p = c.heap.memalign(alignment, size);
            c.checkNull(p);
            if (p != Allocator.NULL) {
                c.add(p, size, alignment);
            }
        }
    }

    record Free(int index) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            if (c.blocks.isEmpty()) {
                return;
            }
            Block b = c.blocks.get(index % c.blocks.size());
            AllocatorContract.verify(c.heap, b.ptr(), b.size(), b.seed());
            c.heap.free(b.ptr());
            c.remove(index % c.blocks.size());
        }
    }

    record Realloc(int index, long size) implements Op<Ctx> {
        @Override
        public void apply(Ctx c) {
            if (c.blocks.isEmpty()) {
                return;
            }
            int i = index % c.blocks.size();
            Block b = c.blocks.get(i);
            AllocatorContract.verify(c.heap, b.ptr(), b.size(), b.seed());
            long q = c.heap.realloc(b.ptr(), Math.max(1, size));
            if (q == Allocator.NULL) {
                c.checkNull(q);
                AllocatorContract.verify(c.heap, b.ptr(), b.size(), b.seed());
                return;
            }
            AllocatorContract.verify(c.heap, q, Math.min(b.size(), Math.max(1, size)), b.seed());
            c.remove(i);
            c.add(q, Math.max(1, size), 8);
        }
    }

    /** Above this many live blocks the allocating generators free instead. */
    static final int MAX_LIVE = 300;

    /** The statistics (a second heap walk) are compared with the model every this many steps. */
    static final int STATS_EVERY_STEPS = 8;

    private static Free free(SplittableRandom rnd) {
        return new Free(rnd.nextInt(Integer.MAX_VALUE));
    }

    /** The check over heaps built by {@code heaps}. */
    static ModelCheck<Ctx> check(String name, Supplier<Allocator> heaps) {
        return ModelCheck.<Ctx>of(name, () -> new Ctx(heaps.get()))
                .op(10, (rnd, c) -> c.blocks.size() > MAX_LIVE ? free(rnd) : new Malloc(size(rnd)))
                .op(2, (rnd, c) -> c.blocks.size() > MAX_LIVE ? free(rnd) : new Calloc(1 + rnd.nextInt(16), rnd.nextInt(600)))
                .op(2, (rnd, c) -> c.blocks.size() > MAX_LIVE ? free(rnd)
                        : new Memalign(rnd.nextInt(rnd.nextInt(10) == 0 ? 22 : 13), size(rnd)))
                .op(4, (rnd, c) -> new Realloc(rnd.nextInt(Integer.MAX_VALUE), size(rnd)))
                .op(13, (rnd, c) -> free(rnd))
                .invariant(c -> {
                    c.heap.checkInvariants();
                    if (++c.steps % STATS_EVERY_STEPS != 0) {
                        return;
                    }
                    AllocatorStats s = c.heap.stats();
                    assertThat(s.liveBlocks()).isEqualTo(c.blocks.size());
                    assertThat(s.liveBytes()).isEqualTo(c.liveBytes);
                    assertThat(s.footprintBytes()).isLessThanOrEqualTo(s.peakFootprintBytes());
                });
    }
}
