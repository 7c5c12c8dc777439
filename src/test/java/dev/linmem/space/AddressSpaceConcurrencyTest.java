package dev.linmem.space;

import static dev.linmem.space.SpaceFixture.ANON;
import static dev.linmem.space.SpaceFixture.P;
import static dev.linmem.space.SpaceFixture.RW;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Threads mapping, filling with their own pattern, remapping and unmapping on one address
 * space: no thread ever sees another's bytes in its mappings, and the final state is valid.
 */
class AddressSpaceConcurrencyTest {

    static final int THREADS = 4;

    @Test
    void threadsNeverSeeEachOthersBytes() throws Exception {
        SpaceFixture f = SpaceFixture.withBuilder(512, b -> b.placement(PlacementPolicy.defaultPolicy()));
        AddressSpace s = f.space;
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int id = t + 1;
                results.add(pool.submit(() -> churn(s, id, 3_000)));
            }
            int ops = 0;
            for (Future<Integer> r : results) {
                ops += r.get(60, TimeUnit.SECONDS);
            }
            assertThat(ops).isEqualTo(THREADS * 3_000);
        } finally {
            pool.shutdownNow();
        }
        f.check();
        assertThat(s.stats().mappedBytes()).isZero();
    }

    /** Map, fill with this thread's byte, grow (maybe moving), check, shrink or unmap; returns the ops done. */
    private static int churn(AddressSpace s, int id, int rounds) {
        SplittableRandom rnd = new SplittableRandom(id);
        List<long[]> mine = new ArrayList<>(); // {address, pages}
        byte pattern = (byte) id;
        for (int i = 0; i < rounds; i++) {
            int choice = rnd.nextInt(4);
            if (choice == 0 || mine.isEmpty()) {
                long pages = 1 + rnd.nextInt(8);
                long a = s.mmap(0, pages * P, RW, ANON);
                if (!Errno.isError(a)) {
                    verify(s, a, pages, (byte) 0);
                    s.memory().fill(a, pages * P, pattern);
                    mine.add(new long[] {a, pages});
                }
            } else if (choice == 1) {
                long[] m = mine.get(rnd.nextInt(mine.size()));
                long grown = m[1] + 1 + rnd.nextInt(4);
                long a = s.mremap(m[0], m[1] * P, grown * P, Mman.MREMAP_MAYMOVE, 0);
                if (!Errno.isError(a)) {
                    verify(s, a, m[1], pattern);
                    verify(s, a + m[1] * P, grown - m[1], (byte) 0);
                    s.memory().fill(a, grown * P, pattern);
                    m[0] = a;
                    m[1] = grown;
                }
            } else if (choice == 2 && mine.size() > 0) {
                long[] m = mine.get(rnd.nextInt(mine.size()));
                verify(s, m[0], m[1], pattern);
                if (m[1] > 1) {
                    assertThat(s.munmap(m[0] + (m[1] - 1) * P, P)).isZero(); // shrink by a tail munmap
                    m[1]--;
                }
            } else {
                long[] m = mine.remove(rnd.nextInt(mine.size()));
                verify(s, m[0], m[1], pattern);
                assertThat(s.munmap(m[0], m[1] * P)).isZero();
            }
        }
        for (long[] m : mine) {
            verify(s, m[0], m[1], pattern);
            assertThat(s.munmap(m[0], m[1] * P)).isZero();
        }
        return rounds;
    }

    private static void verify(AddressSpace s, long address, long pages, byte expected) {
        byte[] buf = new byte[(int) (pages * P)];
        s.memory().read(address, buf, 0, buf.length);
        for (int i = 0; i < buf.length; i++) {
            if (buf[i] != expected) {
                throw new AssertionError(String.format("byte at 0x%x is %d, expected %d", address + i, buf[i], expected));
            }
        }
    }

    @Test
    void noreplaceRaceHasExactlyOneWinner() throws Exception {
        for (int round = 0; round < 50; round++) {
            SpaceFixture f = new SpaceFixture(16);
            long target = f.space.baseAddress() + 8 * P;
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<Long>> results = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    results.add(pool.submit(() -> {
                        start.await();
                        return f.space.mmap(target, 2 * P, RW, ANON | Mman.MAP_FIXED_NOREPLACE);
                    }));
                }
                start.countDown();
                int winners = 0;
                for (Future<Long> r : results) {
                    long got = r.get(10, TimeUnit.SECONDS);
                    if (got == target) {
                        winners++;
                    } else {
                        assertThat(Errno.of(got)).isEqualTo(Errno.EEXIST);
                    }
                }
                assertThat(winners).isEqualTo(1);
            } finally {
                pool.shutdownNow();
            }
            f.check();
        }
    }

    @Test
    void munmapRacingFixedMmapEndsInOneOfTheSerialOutcomes() throws Exception {
        for (int round = 0; round < 50; round++) {
            SpaceFixture f = new SpaceFixture(16);
            long a = f.map(4);
            f.fill(a, 4, 0x7e);
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<Long> unmap = pool.submit(() -> {
                    start.await();
                    return f.space.munmap(a, 4 * P);
                });
                Future<Long> fixed = pool.submit(() -> {
                    start.await();
                    return f.space.mmap(a + P, 2 * P, RW, ANON | Mman.MAP_FIXED);
                });
                start.countDown();
                assertThat(unmap.get(10, TimeUnit.SECONDS)).isZero();
                assertThat(fixed.get(10, TimeUnit.SECONDS)).isEqualTo(a + P);
            } finally {
                pool.shutdownNow();
            }
            List<MappingInfo> maps = f.space.mappings();
            if (!maps.isEmpty()) { // munmap first, then the fixed mmap
                assertThat(maps).singleElement().satisfies(m -> assertThat(m.startAddress()).isEqualTo(a + P));
                f.assertBytes(a + P, 2, 0);
            }
            f.check();
        }
    }
}
