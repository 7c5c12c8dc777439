package dev.linmem.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
