package dev.linmem.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GapIndexTest {

    @Test
    void occupyAndReleaseSplitAndMergeGaps() {
        GapIndex g = new GapIndex();
        g.add(0, 100);
        g.occupy(10, 20);
        g.occupy(30, 40);
        g.checkInvariants();
        assertThat(g.inOrder()).hasToString("[[0, 10), [20, 30), [40, 100)]");
        g.release(10, 20);
        g.checkInvariants();
        assertThat(g.inOrder()).hasToString("[[0, 30), [40, 100)]");
        g.release(30, 40);
        assertThat(g.inOrder()).hasToString("[[0, 100)]");
        assertThat(g.freePages()).isEqualTo(100);
    }

    @Test
    void releaseOverAFreePageIsRefused() {
        GapIndex g = new GapIndex();
        g.add(0, 10);
        g.occupy(2, 8);
        assertThatThrownBy(() -> g.release(1, 3)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> g.occupy(1, 3)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void lowestAndSmallestFitWithAndWithoutAlignment() {
        GapIndex g = new GapIndex();
        g.add(0, 1000);
        g.occupy(0, 5);   // gap [5,10) of 5
        g.occupy(10, 20); // gap [20,23) of 3
        g.occupy(23, 40); // gap [40,1000)
        assertThat(g.lowestFit(3, 1)).isEqualTo(5);
        assertThat(g.smallestFit(3, 1)).isEqualTo(20);
        assertThat(g.lowestFit(6, 1)).isEqualTo(40);
        assertThat(g.lowestFit(2, 8)).isEqualTo(8);
        assertThat(g.lowestFit(4, 8)).isEqualTo(40);
        assertThat(g.smallestFit(2, 4)).isEqualTo(20);
        assertThat(g.lowestFit(961, 1)).isEqualTo(-1);
        assertThat(g.lowestFit(960, 1)).isEqualTo(40);
        assertThat(g.maxPagesBelow(40)).isEqualTo(5);
        assertThat(g.lowestWithAtLeastFrom(3, 6).startPage).isEqualTo(20);
    }

    /** Random occupy/release against a boolean array, comparing every query with a brute-force scan. */
    @Test
    void agreesWithABruteForceModel() {
        for (long seed = 1; seed <= 5; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            int n = 200;
            boolean[] free = new boolean[n];
            java.util.Arrays.fill(free, true);
            GapIndex g = new GapIndex();
            g.add(0, n);
            for (int step = 0; step < 3000; step++) {
                int s = rnd.nextInt(n);
                int e = s + 1 + rnd.nextInt(Math.min(12, n - s));
                boolean allFree = true;
                boolean noneFree = true;
                for (int p = s; p < e; p++) {
                    allFree &= free[p];
                    noneFree &= !free[p];
                }
                if (rnd.nextBoolean()) { // occupy may reuse the gap isFree found
                    assertThat(g.isFree(s, e)).as("seed %d step %d isFree", seed, step).isEqualTo(allFree);
                }
                if (allFree) {
                    g.occupy(s, e);
                    java.util.Arrays.fill(free, s, e, false);
                } else if (noneFree) {
                    g.release(s, e);
                    java.util.Arrays.fill(free, s, e, true);
                }
                g.checkInvariants();
                int len = 1 + rnd.nextInt(8);
                int align = 1 << rnd.nextInt(4);
                long brute = bruteLowest(free, len, align);
                if (align == 1) {
                    assertThat(g.lowestFit(len, align)).as("seed %d step %d", seed, step).isEqualTo(brute);
                }
                List<long[]> gaps = bruteGaps(free);
                assertThat(g.lowestFit(len, align)).as("seed %d step %d lowest", seed, step)
                        .isEqualTo(ruleLowest(gaps, len, align));
                assertThat(g.smallestFit(len, align)).as("seed %d step %d smallest", seed, step)
                        .isEqualTo(ruleSmallest(gaps, len, align));
                int q = rnd.nextInt(n + 2) - 1;
                long[] containing = gaps.stream().filter(x -> x[0] <= q && q < x[1]).findFirst().orElse(null);
                assertThat(String.valueOf(g.gapContaining(q))).isEqualTo(containing == null ? "null" : "[" + containing[0] + ", " + containing[1] + ")");
                assertThat(String.valueOf(g.last())).isEqualTo(gaps.isEmpty() ? "null" : "[" + gaps.get(gaps.size() - 1)[0] + ", " + gaps.get(gaps.size() - 1)[1] + ")");
                assertThat(g.maxPagesBelow(q)).isEqualTo(gaps.stream().filter(x -> x[0] < q).mapToLong(x -> x[1] - x[0]).max().orElse(0));
                long[] from = gaps.stream().filter(x -> x[0] >= q && x[1] - x[0] >= len).findFirst().orElse(null);
                assertThat(String.valueOf(g.lowestWithAtLeastFrom(len, q))).isEqualTo(from == null ? "null" : "[" + from[0] + ", " + from[1] + ")");
                long[] smallest = bySize(gaps).stream().filter(x -> x[1] - x[0] >= len).findFirst().orElse(null);
                assertThat(String.valueOf(g.smallestWithAtLeast(len))).isEqualTo(smallest == null ? "null" : "[" + smallest[0] + ", " + smallest[1] + ")");
                assertThat(g.size()).isEqualTo(gaps.size());
                for (long found : new long[] {g.lowestFit(len, align), g.smallestFit(len, align)}) {
                    assertThat(found < 0).as("seed %d step %d: found %d, lowest %d", seed, step, found, brute)
                            .isEqualTo(brute < 0);
                    for (long p = Math.max(found, 0); found >= 0 && p < found + len; p++) {
                        assertThat(free[(int) p]).isTrue();
                    }
                    assertThat(Math.max(found, 0) % align).isZero();
                }
            }
        }
    }

    /** The gaps of {@code free}, in address order. */
    private static List<long[]> bruteGaps(boolean[] free) {
        List<long[]> out = new ArrayList<>();
        for (int p = 0; p < free.length; p++) {
            if (free[p] && (p == 0 || !free[p - 1])) {
                int e = p;
                while (e < free.length && free[e]) {
                    e++;
                }
                out.add(new long[] {p, e});
            }
        }
        return out;
    }

    private static List<long[]> bySize(List<long[]> gaps) {
        List<long[]> sorted = new ArrayList<>(gaps);
        sorted.sort(Comparator.<long[]>comparingLong(x -> x[1] - x[0]).thenComparingLong(x -> x[0]));
        return sorted;
    }

    /** The documented probing rule over gaps in the given order: at most ALIGNED_PROBES gaps examined. */
    private static long probe(List<long[]> ordered, long len, long align, int probes) {
        for (long[] x : ordered) {
            if (x[1] - x[0] < len) {
                continue;
            }
            if (probes-- <= 0) {
                return -2; // exhausted
            }
            long s = GapIndex.alignUp(x[0], align);
            if (s + len <= x[1]) {
                return s;
            }
        }
        return -1;
    }

    /** lowestFit as the class notes state it, over a plain list of gaps. */
    private static long ruleLowest(List<long[]> gaps, long len, long align) {
        if (align <= 1) {
            return gaps.stream().filter(x -> x[1] - x[0] >= len).mapToLong(x -> x[0]).findFirst().orElse(-1);
        }
        long r = probe(gaps, len, align, GapIndex.ALIGNED_PROBES);
        if (r != -2) {
            return r;
        }
        long[] big = gaps.stream().filter(x -> x[1] - x[0] >= len + align - 1).findFirst().orElse(null);
        return big != null ? GapIndex.alignUp(big[0], align) : probe(gaps, len, align, Integer.MAX_VALUE);
    }

    /** smallestFit as the class notes state it: by (size, start), then the smallest that surely fits, then lowestFit. */
    private static long ruleSmallest(List<long[]> gaps, long len, long align) {
        List<long[]> sorted = bySize(gaps);
        long r = probe(sorted, len, align, GapIndex.ALIGNED_PROBES);
        if (r >= 0) {
            return r;
        }
        long[] big = sorted.stream().filter(x -> x[1] - x[0] >= len + align - 1).findFirst().orElse(null);
        return big != null ? GapIndex.alignUp(big[0], align) : ruleLowest(gaps, len, align);
    }

    private static long bruteLowest(boolean[] free, int len, int align) {
        for (int s = 0; s + len <= free.length; s += align) {
            boolean ok = true;
            for (int p = s; p < s + len && ok; p++) {
                ok = free[p];
            }
            if (ok) {
                return s;
            }
        }
        return -1;
    }
}
