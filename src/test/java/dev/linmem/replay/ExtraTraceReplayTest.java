package dev.linmem.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The team's extra recordings of other programs (test resources {@code traces/extra}) replay on
 * every fitting target: the readers take every line, and the bounds Linux semantics imply hold.
 */
class ExtraTraceReplayTest {

    private static final Replayer REPLAYER = new Replayer(TargetOptions.defaults());

    @TestFactory
    List<DynamicTest> everyExtraRecordingReplaysOnEveryFittingTarget() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : PlacementCompareMain.ALL) {
            if (!name.startsWith("extra/")) {
                continue;
            }
            tests.add(DynamicTest.dynamicTest(name, () -> {
                RecordedTrace trace = PlacementCompareMain.trace(name);
                List<Target> targets = TargetRegistry.standard().fitting(trace);
                assertThat(targets).extracting(Target::name).contains("linmem", "emscripten");
                for (Target t : targets) {
                    TargetResult r = REPLAYER.replay(trace, t);
                    String what = name + " on " + t.name();
                    assertThat(r.eventsReplayed() + r.eventsSkipped()).as(what).isEqualTo(trace.events().size());
                    assertThat(r.overhead()).as(what).isGreaterThanOrEqualTo(1.0);
                    r.peakMap().checkInvariants();
                    if (t.name().equals("linmem")) {
                        assertThat(r.leakedBytes()).as(what + ": Linux semantics leak nothing").isZero();
                        assertThat(r.overhead()).as(what + ": the issue's bound").isLessThanOrEqualTo(1.10);
                    }
                }
            }));
        }
        return tests;
    }
}
