package dev.linmem.memory;

import static dev.linmem.memory.LinearMemory.PAGE_BYTES;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Shared memories under real concurrency: atomics racing with growth and lazy commit, readers
 * racing with growth, and wait/notify waking exactly the requested waiters.
 */
class SharedLinearMemoryConcurrencyTest {

    private static final int THREADS = 4;

    private ExecutorService pool;

    static List<Arguments> kinds() {
        return List.of(
                Arguments.of(AddressType.I32, Backing.HEAP),
                Arguments.of(AddressType.I32, Backing.DIRECT),
                Arguments.of(AddressType.I64, Backing.HEAP),
                Arguments.of(AddressType.I64, Backing.DIRECT));
    }

    @BeforeEach
    void startPool() {
        pool = Executors.newFixedThreadPool(THREADS + 2);
    }

    @AfterEach
    void stopPool() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private static LinearMemory shared(AddressType addressType, Backing backing, long initialPages, long maximumPages) {
        return LinearMemory.create(new MemoryType(initialPages, maximumPages, addressType, true), backing);
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void atomicAddsWhileAnotherThreadGrowsCountExactly(AddressType addressType, Backing backing) throws Exception {
        int growToPages = 600;
        int addsPerThread = 20_000;
        LinearMemory memory = shared(addressType, backing, 1, growToPages);
        CyclicBarrier start = new CyclicBarrier(THREADS + 1);
        List<Future<long[]>> adders = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            long seed = t;
            adders.add(pool.submit(() -> {
                // tally[p] = adds this thread made to page p's counters (i32 at +0, i64 at +8).
                long[] tally = new long[growToPages];
                SplittableRandom random = new SplittableRandom(seed);
                start.await();
                for (int i = 0; i < addsPerThread; i++) {
                    int page = random.nextInt((int) memory.pages());
                    long base = (long) page * PAGE_BYTES;
                    memory.atomicAddI32(base, 1);
                    memory.atomicAddI64(base + 8, 1);
                    tally[page]++;
                }
                return tally;
            }));
        }
        Future<?> grower = pool.submit((Callable<Void>) () -> {
            start.await();
            for (int p = 1; p < growToPages; p++) {
                assertThat(memory.grow(1)).isEqualTo(p);
                if (p % 50 == 0) {
                    Thread.yield();
                }
            }
            return null;
        });
        grower.get(60, TimeUnit.SECONDS);
        long[] expected = new long[growToPages];
        for (Future<long[]> adder : adders) {
            long[] tally = adder.get(60, TimeUnit.SECONDS);
            for (int p = 0; p < growToPages; p++) {
                expected[p] += tally[p];
            }
        }
        long total = 0;
        for (int p = 0; p < growToPages; p++) {
            long base = (long) p * PAGE_BYTES;
            assertThat(memory.atomicLoadI32(base)).as("i32 counter of page %d", p).isEqualTo((int) expected[p]);
            assertThat(memory.atomicLoadI64(base + 8)).as("i64 counter of page %d", p).isEqualTo(expected[p]);
            total += memory.getI64(base + 8);
        }
        assertThat(total).isEqualTo((long) THREADS * addsPerThread);
        assertThat(memory.pages()).isEqualTo(growToPages);
        memory.checkInvariants();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void racingFirstWritesToOnePageAllLand(AddressType addressType, Backing backing) throws Exception {
        int pages = 40;
        LinearMemory memory = shared(addressType, backing, pages, pages);
        for (int page = 0; page < pages; page++) {
            long base = (long) page * PAGE_BYTES;
            CyclicBarrier start = new CyclicBarrier(THREADS);
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                writers.add(pool.submit((Callable<Void>) () -> {
                    start.await();
                    memory.putI32(base + 4L * thread, thread + 1);
                    return null;
                }));
            }
            for (Future<?> writer : writers) {
                writer.get(10, TimeUnit.SECONDS);
            }
            for (int t = 0; t < THREADS; t++) {
                assertThat(memory.getI32(base + 4L * t)).as("page %d thread %d", page, t).isEqualTo(t + 1);
            }
        }
        assertThat(memory.stats().committedPages()).isEqualTo(pages);
        memory.checkInvariants();
    }

    /**
     * 256 initial pages give wasm32 memories 16-page slabs: threads commit different pages of the
     * same missing slabs at once, so several allocate a slab and one installs it.
     */
    @ParameterizedTest
    @MethodSource("kinds")
    void racingFirstWritesToPagesOfOneSlabAllLand(AddressType addressType, Backing backing) throws Exception {
        int pages = 256;
        LinearMemory memory = shared(addressType, backing, pages, pages);
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Future<?>> writers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            writers.add(pool.submit((Callable<Void>) () -> {
                start.await();
                for (int page = thread; page < pages; page += THREADS) {
                    memory.putI64((long) page * PAGE_BYTES + 8L * thread, page + 1);
                }
                return null;
            }));
        }
        for (Future<?> writer : writers) {
            writer.get(10, TimeUnit.SECONDS);
        }
        for (int page = 0; page < pages; page++) {
            long value = memory.getI64((long) page * PAGE_BYTES + 8L * (page % THREADS));
            assertThat(value).as("page %d", page).isEqualTo(page + 1);
        }
        assertThat(memory.stats().committedPages()).isEqualTo(pages);
        memory.checkInvariants();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void readersNeverFailWhileTheMemoryGrows(AddressType addressType, Backing backing) throws Exception {
        int growToPages = 2_000;
        LinearMemory memory = shared(addressType, backing, 1, growToPages);
        memory.putI64(0, 0x1234_5678_9ABC_DEF0L);
        AtomicInteger wrongReads = new AtomicInteger();
        CountDownLatch grown = new CountDownLatch(1);
        List<Future<?>> readers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            long seed = 100 + t;
            readers.add(pool.submit((Callable<Void>) () -> {
                SplittableRandom random = new SplittableRandom(seed);
                while (grown.getCount() > 0) {
                    long size = memory.sizeBytes();
                    long address = random.nextLong(size - 8);
                    long value = memory.getI64(address);
                    memory.putI8(size - 1, (byte) 1);
                    if (address == 0 && value != 0x1234_5678_9ABC_DEF0L) {
                        wrongReads.incrementAndGet();
                    }
                    if (memory.getI64(0) != 0x1234_5678_9ABC_DEF0L) {
                        wrongReads.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (int p = 1; p < growToPages; p++) {
            memory.grow(1);
        }
        grown.countDown();
        for (Future<?> reader : readers) {
            reader.get(30, TimeUnit.SECONDS);
        }
        assertThat(wrongReads).hasValue(0);
        memory.checkInvariants();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void notifyWakesExactlyTheRequestedNumberOfWaiters(AddressType addressType, Backing backing) throws Exception {
        LinearMemory memory = shared(addressType, backing, 1, 1);
        AbstractLinearMemory internals = (AbstractLinearMemory) memory;
        long address = 64;
        long otherAddress = 128;
        int waiters = THREADS;
        AtomicInteger woken = new AtomicInteger();
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < waiters; t++) {
            boolean wide = t % 2 == 0;
            results.add(pool.submit(() -> {
                int result = wide ? memory.wait64(address, 0, -1) : memory.wait32(address, 0, -1);
                woken.incrementAndGet();
                return result;
            }));
        }
        Future<Integer> bystander = pool.submit(() -> memory.wait32(otherAddress, 0, -1));
        awaitWaiters(internals, address, waiters);
        awaitWaiters(internals, otherAddress, 1);

        assertThat(memory.notify(address, 1)).isEqualTo(1);
        awaitCount(woken, 1);
        assertThat(memory.notify(address, 2)).isEqualTo(2);
        awaitCount(woken, 3);
        Thread.sleep(50);
        assertThat(woken).hasValue(3);
        assertThat(internals.waiterCount(address)).isEqualTo(1);
        assertThat(memory.notify(address, -1)).isEqualTo(1);
        for (Future<Integer> result : results) {
            assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo(0);
        }
        assertThat(memory.notify(address, 5)).isZero();
        assertThat(bystander.isDone()).isFalse();
        assertThat(memory.notify(otherAddress, 0)).isZero();
        assertThat(memory.notify(otherAddress, 1)).isEqualTo(1);
        assertThat(bystander.get(10, TimeUnit.SECONDS)).isEqualTo(0);
        memory.checkInvariants();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aStoreThenNotifyNeverLeavesTheWaiterHanging(AddressType addressType, Backing backing) throws Exception {
        LinearMemory memory = shared(addressType, backing, 1, 1);
        for (int round = 0; round < 200; round++) {
            long address = 8L * (round % 64);
            memory.atomicStoreI32(address, 0);
            Future<Integer> waiter = pool.submit(() -> memory.wait32(address, 0, TimeUnit.SECONDS.toNanos(20)));
            memory.atomicStoreI32(address, 1);
            memory.notify(address, 1);
            // 0 when the waiter was queued before the notify, 1 when it saw the store first.
            assertThat(waiter.get(10, TimeUnit.SECONDS)).isIn(0, 1);
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void waitTimesOutAfterItsTimeout(AddressType addressType, Backing backing) {
        LinearMemory memory = shared(addressType, backing, 1, 1);
        long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(30);
        long start = System.nanoTime();
        assertThat(memory.wait32(0, 0, timeoutNanos)).isEqualTo(2);
        assertThat(memory.wait64(8, 0, timeoutNanos)).isEqualTo(2);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(2 * timeoutNanos);
        assertThat(((AbstractLinearMemory) memory).waiterCount(0)).isZero();
        memory.checkInvariants();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void anInterruptedWaiterStopsWaitingAndKeepsItsInterruptStatus(AddressType addressType, Backing backing) throws Exception {
        LinearMemory memory = shared(addressType, backing, 1, 1);
        AbstractLinearMemory internals = (AbstractLinearMemory) memory;
        AtomicInteger result = new AtomicInteger(-1);
        AtomicInteger stillInterrupted = new AtomicInteger();
        Thread waiter = new Thread(() -> {
            result.set(memory.wait32(0, 0, -1));
            stillInterrupted.set(Thread.currentThread().isInterrupted() ? 1 : 0);
        });
        waiter.start();
        awaitWaiters(internals, 0, 1);
        waiter.interrupt();
        waiter.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(waiter.isAlive()).isFalse();
        assertThat(result).hasValue(2);
        assertThat(stillInterrupted).hasValue(1);
        assertThat(internals.waiterCount(0)).isZero();
        assertThat(memory.notify(0, 1)).isZero();
    }

    private static void awaitWaiters(AbstractLinearMemory memory, long address, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (memory.waiterCount(address) < count) {
            assertThat(System.nanoTime()).as("waiters to queue at %d", address).isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    private static void awaitCount(AtomicInteger counter, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (counter.get() < count) {
            assertThat(System.nanoTime()).as("counter to reach %d", count).isLessThan(deadline);
            Thread.sleep(1);
        }
    }
    /**
     * A discard racing the first write into a shared memory's low slab: the write lands before
     * the discard (then it is gone) or after it (then it stays); it never disappears and comes
     * back later. Found by review: the commit used to hand the writer the slab its last sibling
     * page got, which the discard could have replaced.
     */
    @ParameterizedTest
    @MethodSource("kinds")
    void aWriteRacingADiscardOfTheLowSlabNeverComesBackAfterReadingZero(AddressType addressType, Backing backing)
            throws Exception {
        int pages = 32;
        for (int round = 0; round < 400; round++) {
            LinearMemory memory = shared(addressType, backing, pages, pages);
            CountDownLatch started = new CountDownLatch(1);
            Future<?> writer = pool.submit(() -> {
                started.countDown();
                memory.putI8(0, (byte) 1);
            });
            Future<?> discarder = pool.submit(() -> {
                started.await();
                while (memory.stats().committedPages() == 0 && !writer.isDone()) {
                    Thread.onSpinWait();
                }
                memory.discard(0, (long) pages * PAGE_BYTES);
                return null;
            });
            writer.get(10, TimeUnit.SECONDS);
            discarder.get(10, TimeUnit.SECONDS);
            byte first = memory.getI8(0);
            memory.putI8(100, (byte) 7);
            assertThat(memory.getI8(0)).as("round %d: address 0 read %d before another write to its page", round, first)
                    .isEqualTo(first);
            memory.checkInvariants();
        }
    }
}
