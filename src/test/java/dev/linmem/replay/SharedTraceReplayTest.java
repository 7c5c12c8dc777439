package dev.linmem.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every shared trace replayed end to end on every fitting standard target, asserting the
 * bounds the semantics imply. Figures themselves are reported in docs/replay.md, not asserted.
 */
class SharedTraceReplayTest {

    private static final Replayer REPLAYER = new Replayer(TargetOptions.defaults());

    @TestFactory
    List<DynamicTest> everySharedTraceOnEveryFittingTarget() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : SharedTraces.NAMES) {
            tests.add(DynamicTest.dynamicTest(name, () -> {
                RecordedTrace trace = SharedTraces.get(name);
                List<Target> targets = TargetRegistry.standard().fitting(trace);
                assertThat(targets).as("targets fitting %s", name).isNotEmpty();
                for (Target target : targets) {
                    checkBounds(trace, REPLAYER.replay(trace, target));
                }
            }));
        }
        return tests;
    }

    private static void checkBounds(RecordedTrace trace, TargetResult r) {
        String what = trace.name() + " on " + r.name();
        assertThat(r.eventsReplayed() + r.eventsSkipped()).as(what).isEqualTo(trace.events().size());
        assertThat(r.peakLiveBytes()).as(what).isEqualTo(trace.peakLiveBytes()).isPositive();
        if (!r.name().equals("php-on-emscripten")) {
            assertThat(r.outOfMemoryEvents()).as(what + ": a 4 GiB memory never runs out here").isZero();
        }
        assertThat(r.overhead()).as(what + ": the target holds at least what the recording holds").isGreaterThanOrEqualTo(1.0);
        assertThat(r.peakLinearBytes()).as(what).isEqualTo(r.peakLinearPages() * 65536);
        assertThat(r.timeline()).as(what).hasSizeBetween(2, Replayer.MAX_SAMPLES + 2);
        assertThat(r.timeline().get(r.timeline().size() - 1).eventIndex()).as(what).isEqualTo(trace.events().size());
        for (Sample s : r.timeline()) {
            assertThat(s.linearBytes()).as(what).isLessThanOrEqualTo(r.peakLinearBytes());
            assertThat(s.liveBytes()).as(what).isLessThanOrEqualTo(r.peakLiveBytes());
        }
        r.peakMap().checkInvariants();
        if (r.leakedBytes() == 0) {
            assertThat(r.peakMap().pagesOf(PeakMap.Kind.LEAKED)).as(what + ": nothing leaked, nothing drawn leaked").isZero();
        }
        assertThat(r.peakMap().totalPages() * r.peakMap().pageBytes()).as(what).isEqualTo(r.peakLinearBytes());
        assertThat(r.replayNanos()).as(what).isPositive();
        if (r.name().equals("linmem") || r.name().equals("dlmalloc") || r.name().equals("emmalloc")) {
            assertThat(r.leakedBytes()).as(what + ": Linux semantics leak nothing").isZero();
            assertThat(r.failedCalls().keySet()).as(what + ": only placement can fail").isSubsetOf("ENOMEM");
        }
    }

    @Test
    void emscriptenLeaksTheTrimmedChunksOfPhpAndCopiesEveryGrowth() {
        for (String name : List.of("php-strings.strace", "php-strings-nomremap.strace")) {
            RecordedTrace trace = SharedTraces.get(name);
            TargetResult linmem = REPLAYER.replay(trace, TargetRegistry.standard().targetNamed("linmem"));
            TargetResult emscripten = REPLAYER.replay(trace, TargetRegistry.standard().targetNamed("emscripten"));
            assertThat(emscripten.leakedBytes()).as(name + ": partial munmaps refused").isPositive();
            assertThat(emscripten.peakMap().pagesOf(PeakMap.Kind.LEAKED)).as(name + ": the leak on the peak map").isPositive();
            assertThat(emscripten.failedCalls()).as(name).containsKey("EINVAL");
            assertThat(emscripten.inPlaceKept()).as(name + ": Emscripten never grows in place").isZero();
            assertThat(emscripten.inPlaceLost()).as(name).isEqualTo(4235);
            assertThat(emscripten.copiedBytes()).as(name + ": GiB copied").isGreaterThan(1L << 30)
                    .isGreaterThan(100 * linmem.copiedBytes());
            assertThat(emscripten.peakLinearBytes()).as(name).isGreaterThan(linmem.peakLinearBytes());
        }
    }

    @Test
    void theLinmemTargetMeetsTheGoalsOnEverySharedSystemCallRecording() {
        Map<String, Long> recordedGrowths = Map.of("php-strings.strace", 4235L, "php-strings-nomremap.strace", 4235L,
                "python-alloc.strace", 15L);
        recordedGrowths.forEach((name, growths) -> {
            TargetResult r = REPLAYER.replay(SharedTraces.get(name), TargetRegistry.standard().targetNamed("linmem"));
            assertThat(r.inPlaceKept() + r.inPlaceLost()).as(name).isEqualTo(growths);
            assertThat(r.inPlaceKeptFraction()).as(name + ": recorded in-place growths kept").isGreaterThanOrEqualTo(0.99);
            assertThat(r.overhead()).as(name + ": peak linear / peak live").isLessThanOrEqualTo(1.10);
            assertThat(r.leakedBytes()).as(name).isZero();
        });
    }

    @Test
    void everyInvariantHoldsAfterEveryEventWithCheck() {
        Replayer checking = new Replayer(TargetOptions.defaults().withChecking(InvariantChecking.EVERY_EVENT));
        RecordedTrace trace = SharedTraces.get("python-alloc.strace");
        TargetResult r = checking.replay(trace, TargetRegistry.standard().targetNamed("linmem"));
        assertThat(r.eventsReplayed()).isPositive();
    }

    @Test
    void aLargerMapPageStillReplaysEverything() {
        Replayer big = new Replayer(TargetOptions.defaults().withMapPageBytes(65536));
        RecordedTrace trace = SharedTraces.get("php-strings.strace");
        TargetResult r = big.replay(trace, TargetRegistry.standard().targetNamed("linmem"));
        assertThat(r.eventsReplayed() + r.eventsSkipped()).isEqualTo(trace.events().size());
        assertThat(r.peakMap().pageBytes()).isEqualTo(65536);
        assertThat(r.overhead()).isGreaterThanOrEqualTo(1.0);
    }
}
