package dev.linmem.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linmem.replay.SyntheticPlacementStudy.ProgramResult;
import dev.linmem.replay.SyntheticPrograms.Family;
import dev.linmem.replay.trace.TraceEvent;
import dev.linmem.space.PlacementPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A few seeds of the synthetic placement study (SyntheticPlacementStudyMain runs 200 per
 * family): only facts that hold for every seed, not the study's percentages.
 */
class SyntheticPlacementStudyTest {

    static final int SEEDS = 4;

    @ParameterizedTest
    @EnumSource(Family.class)
    void everyReplayCompletesWithoutRunningOutOfMemoryAndCountsEveryRecordedGrowth(Family family) {
        for (int seed = 1; seed <= SEEDS; seed++) {
            RecordedTrace trace = SyntheticPrograms.record(family, seed);
            for (PlacementPolicy policy : new PlacementPolicy[] {PlacementPolicy.firstFit(),
                    PlacementPolicy.growthAware(0, false), PlacementPolicy.growthAware()}) {
                ProgramResult r = SyntheticPlacementStudy.replay(trace, policy);
                String what = family + " seed " + seed + " " + policy.name();
                assertThat(r.outOfMemory()).as(what).isZero();
                assertThat(r.overhead()).as(what).isGreaterThanOrEqualTo(1.0);
                assertThat(r.kept() + r.lost()).as(what).isEqualTo(r.recordedInPlace());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Family.class, names = "PLAIN", mode = EnumSource.Mode.EXCLUDE)
    void theDefaultKeepsMoreOfLinuxsInPlaceGrowthsThanFirstFit(Family family) {
        long recorded = 0;
        long firstFit = 0;
        long defaultPolicy = 0;
        for (int seed = 1; seed <= SEEDS; seed++) {
            RecordedTrace trace = SyntheticPrograms.record(family, seed);
            ProgramResult ff = SyntheticPlacementStudy.replay(trace, PlacementPolicy.firstFit());
            recorded += ff.recordedInPlace();
            firstFit += ff.kept();
            defaultPolicy += SyntheticPlacementStudy.replay(trace, PlacementPolicy.defaultPolicy()).kept();
        }
        assertThat(recorded).isPositive();
        assertThat(defaultPolicy).isGreaterThan(firstFit);
    }

    @ParameterizedTest
    @EnumSource(value = Family.class, names = "PLAIN", mode = EnumSource.Mode.EXCLUDE)
    void onLinuxAMovedBlockThatLandedRightBelowItsOldPlaceGrowsIntoIt(Family family) {
        long checked = 0;
        for (int seed = 1; seed <= SEEDS; seed++) {
            checked += checkGrowthsIntoOldPlaces(SyntheticPrograms.record(family, seed));
        }
        assertThat(checked).as("moves that landed right below their old place, then grew").isPositive();
    }

    /**
     * For every mremap move that landed right below the block's old place and is followed,
     * with no mapping made in between, by a growth of the moved block no larger than the old
     * place: that growth was in place. Returns how many such growths there were.
     */
    private static long checkGrowthsIntoOldPlaces(RecordedTrace trace) {
        long checked = 0;
        TraceEvent.Mremap move = null;
        for (TraceEvent e : trace.events()) {
            if (e instanceof TraceEvent.Mremap m && !m.failed()) {
                if (move != null && m.oldAddr() == move.result()
                        && m.newLengthBytes() - m.oldLengthBytes() <= roundedOld(move)) {
                    assertThat(m.keptInPlace()).as("%s line %d", trace.name(), m.line()).isTrue();
                    checked++;
                }
                boolean landedRightBelow = m.result() != m.oldAddr()
                        && m.result() + m.newLengthBytes() == m.oldAddr();
                move = landedRightBelow ? m : null;
            } else if (e instanceof TraceEvent.Mmap) {
                move = null;
            }
        }
        return checked;
    }

    private static long roundedOld(TraceEvent.Mremap m) {
        long p = LinuxMmapModel.PAGE_BYTES;
        return (m.oldLengthBytes() + p - 1) / p * p;
    }

    @Test
    void aSeedAlwaysGivesTheSameRecording() {
        for (Family family : Family.values()) {
            assertThat(SyntheticPrograms.record(family, 7).events())
                    .isEqualTo(SyntheticPrograms.record(family, 7).events());
        }
    }
}
