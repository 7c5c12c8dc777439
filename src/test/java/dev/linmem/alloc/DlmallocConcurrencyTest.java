package dev.linmem.alloc;

import dev.linmem.memory.LinearMemory;
import dev.linmem.memory.MemoryType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Threads share one {@link Dlmalloc}: blocks allocated on one thread are handed through a
 * transfer table to others, which verify their pattern and free them (semantics.md 6.3 JC2, JC6,
 * JC7); racing frees of one block have exactly one winner (JC1).
 */
class DlmallocConcurrencyTest {

    private static Dlmalloc heap() {
        return Dlmalloc.builder(HeapSource.emscriptenSbrk(LinearMemory.create(MemoryType.i32(1, 8192)), 1024)).build();
    }

    /** One block in transit: its address, size and pattern seed. */
    private record Block(long ptr, long size, long seed) {
    }

    @Test
    void blocksHandedBetweenThreadsKeepTheirContents() throws Exception {
        Dlmalloc heap = heap();
        int threads = 4;
        int rounds = 20_000;
        AtomicReferenceArray<Block> table = new AtomicReferenceArray<>(64);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(threads);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> {
                SplittableRandom rnd = new SplittableRandom(id);
                try {
                    for (int i = 0; i < rounds && failure.get() == null; i++) {
                        long size = rnd.nextInt(10) == 0 ? rnd.nextInt(20_000) : rnd.nextInt(300);
                        long p = rnd.nextBoolean() ? heap.malloc(size) : heap.calloc(1, size);
                        assertThat(p).isNotZero();
                        long seed = (long) id << 32 | i;
                        AllocatorContract.fill(heap, p, size, seed);
                        Block old = table.getAndSet(rnd.nextInt(table.length()), new Block(p, size, seed));
                        if (old != null) {
                            AllocatorContract.verify(heap, old.ptr(), old.size(), old.seed());
                            heap.free(old.ptr());
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            });
            workers.add(w);
            w.start();
        }
        done.await();
        for (Thread w : workers) {
            w.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("a worker failed", failure.get());
        }
        long inTable = 0;
        for (int i = 0; i < table.length(); i++) {
            Block b = table.get(i);
            if (b != null) {
                inTable++;
                AllocatorContract.verify(heap, b.ptr(), b.size(), b.seed());
            }
        }
        assertThat(heap.stats().liveBlocks()).isEqualTo(inTable);
        heap.checkInvariants();
        for (int i = 0; i < table.length(); i++) {
            Block b = table.get(i);
            if (b != null) {
                heap.free(b.ptr());
            }
        }
        heap.checkInvariants();
        assertThat(heap.stats().liveBlocks()).isZero();
        assertThat(heap.stats().liveBytes()).isZero();
    }

    @Test
    void racingFreesOfOneBlockHaveExactlyOneWinner() throws Exception {
        Dlmalloc heap = heap();
        for (int round = 0; round < 200; round++) {
            long p = heap.malloc(64);
            heap.malloc(8);
            CyclicBarrier start = new CyclicBarrier(2);
            AtomicInteger wins = new AtomicInteger();
            AtomicInteger doubleFrees = new AtomicInteger();
            Runnable racer = () -> {
                try {
                    start.await();
                    heap.free(p);
                    wins.incrementAndGet();
                } catch (DoubleFreeException e) {
                    doubleFrees.incrementAndGet();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            Thread a = new Thread(racer);
            Thread b = new Thread(racer);
            a.start();
            b.start();
            a.join();
            b.join();
            assertThat(wins.get()).isEqualTo(1);
            assertThat(doubleFrees.get()).isEqualTo(1);
        }
        heap.checkInvariants();
    }
}
