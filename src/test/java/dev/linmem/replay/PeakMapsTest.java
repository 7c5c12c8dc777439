package dev.linmem.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linmem.replay.PeakMap.Kind;
import dev.linmem.replay.PeakMap.Run;
import org.junit.jupiter.api.Test;

/** Peak maps from live, reserved, break and leaked ranges (pages of 100 bytes). */
class PeakMapsTest {

    static long[] ranges(Object... startLengthKind) {
        long[] t = new long[startLengthKind.length];
        for (int i = 0; i < t.length; i++) {
            Object o = startLengthKind[i];
            t[i] = o instanceof Kind k ? k.ordinal() : ((Number) o).longValue();
        }
        return t;
    }

    @Test
    void pagesTakeTheKindOfTheRangeTouchingThemAndTheRestIsFree() {
        PeakMap map = PeakMaps.of(ranges(250, 100, Kind.LIVE, 0, 100, Kind.BREAK), 1000, 100);

        assertThat(map.runs()).containsExactly(new Run(0, 1, Kind.BREAK), new Run(1, 1, Kind.FREE),
                new Run(2, 2, Kind.LIVE), new Run(4, 6, Kind.FREE));
        map.checkInvariants();
    }

    @Test
    void leakedRangesClaimOnlyPagesNothingLiveTouches() {
        // a storage holds [100, 900) and reports it all as leaked; its live blocks are [200, 400) and [600, 700)
        PeakMap map = PeakMaps.of(ranges(100, 800, Kind.LEAKED, 200, 200, Kind.LIVE, 600, 100, Kind.LIVE), 1000, 100);

        assertThat(map.runs()).containsExactly(new Run(0, 1, Kind.FREE), new Run(1, 1, Kind.LEAKED),
                new Run(2, 2, Kind.LIVE), new Run(4, 2, Kind.LEAKED), new Run(6, 1, Kind.LIVE),
                new Run(7, 2, Kind.LEAKED), new Run(9, 1, Kind.FREE));
        assertThat(map.pagesOf(Kind.LEAKED)).isEqualTo(5);
        map.checkInvariants();
    }

    @Test
    void withoutLeaksTheMapIsTheSame() {
        long[] live = ranges(0, 300, Kind.LIVE, 500, 50, Kind.RESERVED);
        long[] withEmptyOverlay = ranges(0, 300, Kind.LIVE, 500, 50, Kind.RESERVED, 300, 200, Kind.LEAKED);

        assertThat(PeakMaps.of(live, 1000, 100).pagesOf(Kind.LEAKED)).isZero();
        assertThat(PeakMaps.of(withEmptyOverlay, 1000, 100).runs()).containsExactly(new Run(0, 3, Kind.LIVE),
                new Run(3, 2, Kind.LEAKED), new Run(5, 1, Kind.RESERVED), new Run(6, 4, Kind.FREE));
    }

    @Test
    void anEmptyMemoryHasNoRuns() {
        assertThat(PeakMaps.of(ranges(), 0, 100).runs()).isEmpty();
        assertThat(PeakMaps.of(ranges(0, 10, Kind.LEAKED), 0, 100).runs()).isEmpty();
    }
}
