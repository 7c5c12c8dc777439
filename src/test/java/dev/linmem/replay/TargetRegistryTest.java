package dev.linmem.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TargetRegistryTest {

    private record Fake(String name, Set<Capability> capabilities) implements Target {
        @Override
        public String description() {
            return "fake " + name;
        }

        @Override
        public Machine newMachine(TargetOptions options) {
            throw new UnsupportedOperationException("not needed here");
        }
    }

    private final TargetRegistry registry = TargetRegistry.of(List.of(
            new Fake("sys", EnumSet.of(Capability.MMAP, Capability.BRK)),
            new Fake("mmap-only", EnumSet.of(Capability.MMAP)),
            new Fake("heap", EnumSet.of(Capability.HEAP, Capability.MMAP))));

    @Test
    void aSystemCallTraceGoesToTheMmapLevelTargetsThatCoverItsKinds() {
        TraceProfile withBrk = new TraceProfile("a.strace", EnumSet.of(Capability.MMAP, Capability.BRK), 10);
        TraceProfile mmapOnly = new TraceProfile("b.strace", EnumSet.of(Capability.MMAP), 10);

        assertThat(registry.fitting(withBrk)).extracting(Target::name).containsExactly("sys");
        assertThat(registry.fitting(mmapOnly)).extracting(Target::name).containsExactly("sys", "mmap-only");
    }

    @Test
    void aHeapTraceGoesToTheHeapTargets() {
        TraceProfile heap = new TraceProfile("c.malloc", EnumSet.of(Capability.HEAP, Capability.MMAP), 10);

        assertThat(registry.fitting(heap)).extracting(Target::name).containsExactly("heap");
    }

    @Test
    void namesAreLookedUpInTheGivenOrderAndUnknownNamesAreListed() {
        assertThat(registry.targetsNamed(List.of("heap", "sys"))).extracting(Target::name)
                .containsExactly("heap", "sys");
        assertThat(registry.targetNamed("nope")).isNull();
        assertThatThrownBy(() -> registry.targetsNamed(List.of("sys", "nope")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'nope'").hasMessageContaining("sys, mmap-only, heap");
    }

    @Test
    void duplicateNamesAreRefused() {
        assertThatThrownBy(() -> registry.with(new Fake("sys", EnumSet.of(Capability.MMAP))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate");
    }

    @Test
    void mapPagesMustBePowersOfTwoBetween4And64KiB() {
        assertThat(TargetOptions.defaults().mapPageBytes()).isEqualTo(4096);
        assertThat(TargetOptions.defaults().withMapPageBytes(65536).mapPageBytes()).isEqualTo(65536);
        assertThatThrownBy(() -> TargetOptions.defaults().withMapPageBytes(8192 + 4096))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TargetOptions.defaults().withMapPageBytes(2048))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TargetOptions.defaults().withMapPageBytes(131072))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void peakMapInvariantsCatchGapsAndUnmergedRuns() {
        PeakMap ok = new PeakMap(0, 4096, 5, List.of(new PeakMap.Run(0, 2, PeakMap.Kind.LIVE),
                new PeakMap.Run(2, 3, PeakMap.Kind.FREE)));
        ok.checkInvariants();
        assertThat(ok.pagesOf(PeakMap.Kind.FREE)).isEqualTo(3);

        PeakMap gap = new PeakMap(0, 4096, 5, List.of(new PeakMap.Run(0, 2, PeakMap.Kind.LIVE),
                new PeakMap.Run(3, 2, PeakMap.Kind.FREE)));
        assertThatThrownBy(gap::checkInvariants).hasMessageContaining("does not start at page 2");

        PeakMap unmerged = new PeakMap(0, 4096, 4, List.of(new PeakMap.Run(0, 2, PeakMap.Kind.LIVE),
                new PeakMap.Run(2, 2, PeakMap.Kind.LIVE)));
        assertThatThrownBy(unmerged::checkInvariants).hasMessageContaining("kind of the run before");
    }

    @Test
    void theStandardRegistryListsTheReplayersOwnTargetsThenThoseOfItsProviders() {
        assertThat(TargetRegistry.standard().names()).containsExactly("linmem", "emscripten", "emscripten-emmalloc",
                "dlmalloc", "emmalloc", "dlmalloc-emscripten", "emmalloc-emscripten",
                "php-on-linmem", "php-on-emscripten", "php-playground");
    }

    @Test
    void phpStrategiesFitPhpRecordingsByContentWhateverTheFileIsCalled() {
        TargetRegistry standard = TargetRegistry.standard();
        for (String name : List.of("php-strings.strace", "php-strings-nomremap.strace", "php-strings.malloc")) {
            RecordedTrace php = SharedTraces.get(name);
            RecordedTrace renamed = RecordedTrace.of("recording-" + name.hashCode() + ".trace", php.format(),
                    php.addressSpace(), php.events());

            assertThat(standard.fitting(renamed)).as(name).extracting(Target::name)
                    .contains("php-on-linmem", "php-on-emscripten", "php-playground");
        }
        for (String name : List.of("python-alloc.strace", "sqlite-small.malloc", "extra/gcc-compile.strace",
                "extra/perl-strings.strace", "extra/node-strings.strace", "extra/c-realloc8.strace")) {
            // gcc's cc1 maps 2 MiB-aligned 2 MiB regions too, but never frees, grows or trims them as zend_alloc does
            RecordedTrace other = PlacementCompareMain.trace(name);
            RecordedTrace namedPhp = RecordedTrace.of("php-" + name.replace('/', '-'), other.format(),
                    other.addressSpace(), other.events());

            assertThat(standard.fitting(namedPhp)).as(name).extracting(Target::name)
                    .doesNotContain("php-on-linmem", "php-on-emscripten", "php-playground");
        }
    }
}
