package dev.linmem.replay.php;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linmem.replay.RecordedTrace;
import dev.linmem.replay.Replayer;
import dev.linmem.replay.Target;
import dev.linmem.replay.TargetOptions;
import dev.linmem.replay.TargetResult;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The three PHP strategies replayed end to end on every shared PHP recording, asserting the
 * bounds the semantics imply: PHP on linmem stays within 1.10x of the recording's peak live
 * bytes, leaks nothing and keeps at least 99% of the recorded in-place growths in place; on
 * Emscripten's mmap every growth copies and the refused trims and frees leak; Playground's
 * storage copies on every resize, so more than PHP on linmem.
 */
class PhpTargetsEndToEndTest {

    private static final Map<String, Map<String, TargetResult>> RESULTS = new HashMap<>();

    /** Every PHP target's result on {@code name}, replayed once per test run. */
    private static synchronized Map<String, TargetResult> results(String name) {
        return RESULTS.computeIfAbsent(name, n -> {
            RecordedTrace trace = PhpRecordings.recorded(n);
            Replayer replayer = new Replayer(TargetOptions.defaults());
            Map<String, TargetResult> byTarget = new HashMap<>();
            for (Target t : PhpStrategies.all()) {
                byTarget.put(t.name(), replayer.replay(trace, t));
            }
            return byTarget;
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {PhpRecordings.STRACE, PhpRecordings.NOMREMAP, PhpRecordings.MALLOC})
    void phpOnLinmemStaysWithinTenPercentLeaksNothingAndKeepsGrowthsInPlace(String name) {
        TargetResult r = results(name).get("php-on-linmem");

        assertThat(r.overhead()).as("overhead").isLessThanOrEqualTo(1.10);
        assertThat(r.leakedBytes()).as("leaked").isZero();
        assertThat(r.inPlaceKeptFraction()).as("in-place growths kept").isGreaterThanOrEqualTo(0.99);
        assertThat(r.inPlaceKept() + r.inPlaceLost()).as("recorded in-place growths").isEqualTo(4_235);
        assertThat(r.outOfMemoryEvents()).isZero();
        assertThat(r.failedCalls()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {PhpRecordings.STRACE, PhpRecordings.NOMREMAP, PhpRecordings.MALLOC})
    void phpOnEmscriptenLeaksAndCopiesEveryGrowth(String name) {
        TargetResult r = results(name).get("php-on-emscripten");

        assertThat(r.leakedBytes()).as("leaked").isPositive();
        long leakedOnMap = r.peakMap().pagesOf(dev.linmem.replay.PeakMap.Kind.LEAKED) * r.peakMap().pageBytes();
        assertThat(leakedOnMap).as("the peak map shows the leak, most of the memory").isPositive()
                .isGreaterThan(r.peakLinearBytes() / 2);
        assertThat(results(name).get("php-on-linmem").peakMap().pagesOf(dev.linmem.replay.PeakMap.Kind.LEAKED))
                .as("php-on-linmem leaks nothing").isZero();
        assertThat(r.copiedBytes()).as("copied").isGreaterThan(results(name).get("php-on-linmem").copiedBytes());
        assertThat(r.inPlaceKept()).as("hints are refused").isZero();
        assertThat(r.failedCalls()).containsKey("EINVAL");
        assertThat(r.overhead()).isGreaterThan(results(name).get("php-on-linmem").overhead());
    }

    @ParameterizedTest
    @ValueSource(strings = {PhpRecordings.STRACE, PhpRecordings.NOMREMAP, PhpRecordings.MALLOC})
    void playgroundCopiesOnEveryResizeAndMoreThanPhpOnLinmem(String name) {
        TargetResult playground = results(name).get("php-playground");
        TargetResult linmem = results(name).get("php-on-linmem");

        assertThat(playground.copiedBytes()).isGreaterThan(linmem.copiedBytes());
        assertThat(playground.copiedBytes()).as("GiB copied").isGreaterThan(1L << 30);
        assertThat(playground.inPlaceKept()).isZero();
        assertThat(playground.leakedBytes()).isZero();
        assertThat(playground.clearedBytes()).isGreaterThan(linmem.clearedBytes());
    }

    @ParameterizedTest
    @ValueSource(strings = {PhpRecordings.STRACE, PhpRecordings.NOMREMAP, PhpRecordings.MALLOC})
    void everyTargetReplaysTheLiftedEventsAndSkipsTheRest(String name) {
        LiftCounts counts = ZendLifter.lift(PhpRecordings.events(name)).counts();
        for (TargetResult r : results(name).values()) {
            assertThat(r.eventsReplayed()).as(r.name()).isEqualTo(counts.eventsLifted());
            assertThat(r.eventsSkipped()).as(r.name()).isEqualTo(counts.eventsNotLifted());
            assertThat(r.peakMap().pagesOf(dev.linmem.replay.PeakMap.Kind.LIVE)).as(r.name()).isPositive();
            assertThat(r.timeline()).as(r.name()).isNotEmpty();
        }
    }
}
