package dev.linmem.space;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PageRunSetTest {

    @Test
    void addMergesAndRemoveSplits() {
        PageRunSet s = new PageRunSet();
        s.add(0, 4);
        s.add(9, 12);
        s.add(4, 5);
        s.checkInvariants();
        assertThat(s.runCount()).isEqualTo(2);
        s.remove(2, 10);
        s.checkInvariants();
        assertThat(s.pageCount()).isEqualTo(4);
        assertThat(s.contains(1)).isTrue();
        assertThat(s.contains(2)).isFalse();
        assertThat(s.containsAll(10, 12)).isTrue();
        assertThat(s.containsAny(2, 10)).isFalse();
        List<String> missing = new ArrayList<>();
        s.forEachMissing(0, 14, (a, b) -> missing.add(a + "-" + b));
        assertThat(missing).containsExactly("2-10", "12-14");
    }

    @Test
    void agreesWithABooleanArray() {
        SplittableRandom rnd = new SplittableRandom(7);
        boolean[] in = new boolean[100];
        PageRunSet s = new PageRunSet();
        for (int step = 0; step < 5000; step++) {
            int a = rnd.nextInt(100);
            int b = Math.min(100, a + rnd.nextInt(15));
            int kind = rnd.nextInt(3);
            if (kind == 0) {
                s.add(a, b);
                java.util.Arrays.fill(in, a, b, true);
            } else if (kind == 1) {
                List<String> reported = new ArrayList<>();
                List<String> expected = new ArrayList<>();
                s.forEachMissing(a, b, (x, y) -> expected.add(x + "-" + y));
                s.removeReportingMissing(a, b, (x, y) -> reported.add(x + "-" + y));
                assertThat(reported).as("step %d: missing runs of [%d, %d)", step, a, b).isEqualTo(expected);
                java.util.Arrays.fill(in, a, b, false);
            } else {
                s.remove(a, b);
                java.util.Arrays.fill(in, a, b, false);
            }
            s.checkInvariants();
            boolean[] seen = new boolean[100];
            java.util.Arrays.fill(seen, true);
            s.forEachMissing(0, 100, (x, y) -> java.util.Arrays.fill(seen, (int) x, (int) y, false));
            assertThat(seen).isEqualTo(in);
            int q = rnd.nextInt(100);
            assertThat(s.contains(q)).isEqualTo(in[q]);
        }
    }
}
