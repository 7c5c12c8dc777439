package dev.linmem.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linmem.replay.trace.TraceEvent;
import dev.linmem.space.Errno;
import dev.linmem.space.Mman;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Address translation on hand-made event lists, against the {@link PageMapper} test target. */
class TranslationTest {

    private static final long P = PageMapper.PAGE;
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final int ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;
    private static final long A = 0x7f0000000000L;
    private static final long B = 0x7f0000100000L;
    private static final long C = 0x7f0000200000L;

    private final List<TraceEvent> events = new ArrayList<>();
    private ReplayMeter meter;
    private PageMapper mapper;
    private TranslatingPlayer player;

    private void start(PageMapper.Mode mode) {
        Machine machine = new PageMapperTarget("t", mode).newMachine(TargetOptions.defaults());
        mapper = (PageMapper) machine.mapper();
        meter = new ReplayMeter();
        player = new TranslatingPlayer(machine, new PageMapperTarget("t", mode).capabilities(), meter);
    }

    private boolean play(TraceEvent e) {
        events.add(e);
        boolean replayed = player.play(e);
        player.checkInvariants();
        mapper.checkInvariants();
        return replayed;
    }

    private static TraceEvent mmap(long hint, long length, long result) {
        return new TraceEvent.Mmap(1, 1, 0, hint, length, RW, ANON, -1, 0, result);
    }

    private static TraceEvent munmap(long addr, long length) {
        return new TraceEvent.Munmap(1, 1, 0, addr, length, 0);
    }

    private static TraceEvent mremap(long old, long oldLength, long newLength, int flags, long result) {
        return new TraceEvent.Mremap(1, 1, 0, old, oldLength, newLength, flags, 0, result);
    }

    @Test
    void aMappingSplitByAPartialMunmapStaysTranslatedPieceByPiece() {
        start(PageMapper.Mode.LINUX_LIKE);
        play(mmap(0, 3 * P, A));
        long t = player.targetOf(A);

        play(munmap(A + P, P));

        assertThat(player.targetOf(A)).isEqualTo(t);
        assertThat(player.targetOf(A + P)).isEqualTo(-1);
        assertThat(player.targetOf(A + 2 * P)).isEqualTo(t + 2 * P);
        assertThat(mapper.usedPages()).isEqualTo(2);

        play(munmap(A + 2 * P, P));
        play(munmap(A, P));
        assertThat(mapper.usedPages()).isZero();
        assertThat(player.translatedBytes()).isZero();
        assertThat(meter.leakedBytes()).isZero();
        assertThat(meter.failedCalls()).isEmpty();
    }

    @Test
    void aMappingGrownInPlaceOnBothSidesIsKept() {
        start(PageMapper.Mode.LINUX_LIKE);
        play(mmap(0, 2 * P, A));
        long t = player.targetOf(A);

        play(mremap(A, 2 * P, 5 * P, 0, A));

        assertThat(meter.inPlaceKept()).isEqualTo(1);
        assertThat(player.targetOf(A + 4 * P)).isEqualTo(t + 4 * P);
        assertThat(mapper.usedPages()).isEqualTo(5);
        play(munmap(A, 5 * P));
        assertThat(mapper.usedPages()).isZero();
    }

    @Test
    void aGrowthInPlaceTheTargetRefusesIsMappedNewCopiedAndTheOldUnmapped() {
        start(PageMapper.Mode.LINUX_LIKE);
        play(mmap(0, 2 * P, A));
        play(mmap(0, P, B)); // the target places B right behind A
        long oldTarget = player.targetOf(A);

        play(mremap(A, 2 * P, 4 * P, 0, A));

        assertThat(meter.inPlaceLost()).isEqualTo(1);
        assertThat(meter.failedCalls()).containsEntry("ENOMEM", 1L);
        assertThat(meter.copiedBytes()).isEqualTo(2 * P);
        long newTarget = player.targetOf(A);
        assertThat(newTarget).isNotEqualTo(oldTarget);
        assertThat(player.targetOf(A + 3 * P)).isEqualTo(newTarget + 3 * P);
        assertThat(mapper.usedPages()).isEqualTo(5); // B and the new 4 pages
        play(munmap(A, 4 * P));
        play(munmap(B, P));
        assertThat(mapper.usedPages()).isZero();
        assertThat(meter.leakedBytes()).isZero();
    }

    @Test
    void aMovedMappingIsTranslatedAtItsNewRecordedAddress() {
        start(PageMapper.Mode.LINUX_LIKE);
        play(mmap(0, 2 * P, A));
        long t = player.targetOf(A);

        play(mremap(A, 2 * P, 3 * P, Mman.MREMAP_MAYMOVE, C));

        assertThat(player.targetOf(A)).isEqualTo(-1);
        assertThat(player.targetOf(C)).isEqualTo(t); // the target grew it in place
        assertThat(player.targetOf(C + 2 * P)).isEqualTo(t + 2 * P);
        assertThat(meter.inPlaceKept() + meter.inPlaceLost()).isZero(); // the recording moved it
        play(munmap(C, 3 * P));
        assertThat(mapper.usedPages()).isZero();
    }

    @Test
    void aHintJustPastAMappingsEndBecomesTheTargetEndOfThatMapping() {
        start(PageMapper.Mode.LINUX_LIKE);
        play(mmap(0, 2 * P, A));
        long t = player.targetOf(A);

        play(mmap(A + 2 * P, 3 * P, A + 2 * P));

        assertThat(meter.inPlaceKept()).isEqualTo(1);
        assertThat(player.targetOf(A + 2 * P)).isEqualTo(t + 2 * P);
        play(munmap(A, 5 * P));
        assertThat(mapper.usedPages()).isZero();
        assertThat(player.translatedBytes()).isZero();
    }

    @Test
    void aHintedGrowthPlacedElsewhereMovesTheWholeBlock() {
        start(PageMapper.Mode.LINUX_LIKE);
        play(mmap(0, 2 * P, A));
        play(munmap(A, P)); // the block is now [A+P, A+2P)
        play(mmap(0, P, B)); // first fit puts B in the target's first page, then...
        play(mmap(0, P, C)); // ... C right behind the block
        long block = player.targetOf(A + P);

        play(mmap(A + 2 * P, 2 * P, A + 2 * P));

        assertThat(meter.inPlaceLost()).isEqualTo(1);
        assertThat(meter.copiedBytes()).isEqualTo(P);
        assertThat(player.targetOf(A + P)).isNotEqualTo(block);
        assertThat(player.targetOf(A + 3 * P)).isEqualTo(player.targetOf(A + P) + 2 * P);
        assertThat(mapper.usedPages()).isEqualTo(5); // B, C and the 3-page block
        play(munmap(A + P, 3 * P));
        assertThat(mapper.usedPages()).isEqualTo(2);
    }

    @Test
    void aNonGrowthHintIsNotPassed() {
        start(PageMapper.Mode.EMSCRIPTEN_LIKE);
        play(mmap(0, 2 * P, A));

        play(mmap(C, P, C)); // a hint at no mapping's end: passes 0, which Emscripten accepts

        assertThat(player.targetOf(C)).isPositive();
        assertThat(meter.failedCalls()).isEmpty();
    }

    @Test
    void oneMunmapOverSeveralMappingsUnmapsEachTargetRun() {
        start(PageMapper.Mode.LINUX_LIKE);
        play(mmap(0, P, A + P));
        play(mmap(0, P, B)); // the target puts B between the two pieces of A's neighbourhood
        play(mmap(0, 2 * P, A + 2 * P));
        play(mmap(0, P, A));

        play(munmap(A, 4 * P));

        assertThat(mapper.usedPages()).isEqualTo(1);
        assertThat(player.targetOf(B)).isPositive();
        assertThat(meter.leakedBytes()).isZero();
    }

    @Test
    void emscriptenRefusesPartialMunmapsAndTheBytesLeak() {
        start(PageMapper.Mode.EMSCRIPTEN_LIKE);
        play(mmap(0, 3 * P, A));

        play(munmap(A, P));
        play(munmap(A + P, 2 * P));

        assertThat(meter.failedCalls()).containsEntry("EINVAL", 2L);
        assertThat(meter.leakedBytes()).isEqualTo(3 * P);
        assertThat(player.translatedBytes()).isZero();
    }

    @Test
    void emscriptenRefusesEveryGrowthSoEachIsMovedAndCopied() {
        start(PageMapper.Mode.EMSCRIPTEN_LIKE);
        play(mmap(0, 2 * P, A));
        play(mmap(A + 2 * P, 2 * P, A + 2 * P));
        play(mremap(A, 4 * P, 6 * P, 0, A));

        assertThat(meter.inPlaceLost()).isEqualTo(2);
        assertThat(meter.copiedBytes()).isEqualTo(2 * P + 4 * P);
        assertThat(meter.failedCalls()).containsEntry("EINVAL", 1L).containsEntry("ENOMEM", 1L);
        play(munmap(A, 6 * P));
        assertThat(mapper.usedPages()).isZero();
        assertThat(meter.leakedBytes()).isZero();
    }

    @Test
    void fileMappingsAndCallsAimedAtThemAreSkipped() {
        start(PageMapper.Mode.LINUX_LIKE);
        assertThat(play(new TraceEvent.Mmap(1, 1, 0, 0, 3 * P, Mman.PROT_READ, Mman.MAP_PRIVATE, 3, 0, A))).isFalse();
        assertThat(play(new TraceEvent.Mmap(1, 1, 0, A + P, P, RW, ANON | Mman.MAP_FIXED, -1, 0, A + P))).isFalse();
        assertThat(play(new TraceEvent.Mprotect(1, 1, 0, A, P, Mman.PROT_READ, 0))).isFalse();
        assertThat(play(munmap(A, 3 * P))).isFalse();
        assertThat(play(munmap(0x400000, P))).isFalse(); // never mapped in the trace

        assertThat(mapper.usedPages()).isZero();
    }

    @Test
    void dontUnmapCopiesToANewMappingAndKeepsTheOld() {
        start(PageMapper.Mode.LINUX_LIKE);
        play(mmap(0, 2 * P, A));

        play(new TraceEvent.Mremap(1, 1, 0, A, 2 * P, 2 * P, Mman.MREMAP_MAYMOVE | Mman.MREMAP_DONTUNMAP, 0, C));

        assertThat(player.targetOf(A)).isPositive();
        assertThat(player.targetOf(C)).isPositive().isNotEqualTo(player.targetOf(A));
        assertThat(meter.copiedBytes()).isEqualTo(2 * P);
        assertThat(mapper.usedPages()).isEqualTo(4);
    }

    @Test
    void aBrkHeapGrowsAndShrinksAndFallsBackToMmapWhenTheBreakCannotMove() {
        start(PageMapper.Mode.LINUX_LIKE); // the test machine's sbrk always fails
        play(new TraceEvent.Brk(1, 1, 0, 0, 0x1000000));
        play(new TraceEvent.Brk(1, 1, 0, 0x1003000, 0x1003000));

        assertThat(meter.failedCalls()).containsEntry("ENOMEM", 1L);
        assertThat(player.targetOf(0x1000000)).isPositive();
        assertThat(mapper.usedPages()).isEqualTo(3);

        play(new TraceEvent.Brk(1, 1, 0, 0x1001000, 0x1001000));
        assertThat(mapper.usedPages()).isEqualTo(1);
        assertThat(player.translatedBytes()).isEqualTo(P);
    }

    @Test
    void recordedFailuresAreReplayedAsNothing() {
        start(PageMapper.Mode.LINUX_LIKE);
        play(mmap(0, P, A));
        assertThat(play(mremap(A, P, 4 * P, 0, Errno.ENOMEM.result()))).isTrue();

        assertThat(mapper.usedPages()).isEqualTo(1);
        assertThat(meter.inPlaceKept() + meter.inPlaceLost()).isZero();
    }

    @Test
    void theRecordingsLiveBytesAreItsOwnLowerBound() {
        events.add(mmap(0, 3 * P, A));
        events.add(munmap(A + P, P));
        events.add(mmap(0, 4 * P, B));
        events.add(new TraceEvent.Mmap(1, 1, 0, 0, 10 * P, Mman.PROT_READ, Mman.MAP_PRIVATE, 3, 0, C));
        events.add(munmap(A, 3 * P));
        RecordedTrace trace = RecordedTrace.of("hand", "test", "0", events);

        assertThat(trace.peakLiveBytes()).isEqualTo(6 * P);
        assertThat(trace.liveBytesAfter(5)).isEqualTo(4 * P);

        TargetResult r = new Replayer(TargetOptions.defaults())
                .replay(trace, new PageMapperTarget("linux-like", PageMapper.Mode.LINUX_LIKE));
        assertThat(r.eventsReplayed()).isEqualTo(4);
        assertThat(r.eventsSkipped()).isEqualTo(1);
        assertThat(r.peakLiveBytes()).isEqualTo(6 * P);
        assertThat(r.overhead()).isGreaterThanOrEqualTo(1.0);
        assertThat(r.timeline()).first().extracting(Sample::eventIndex).isEqualTo(0L);
        assertThat(r.timeline()).last().extracting(Sample::eventIndex).isEqualTo(5L);
        r.peakMap().checkInvariants();
        assertThat(r.peakMap().pagesOf(PeakMap.Kind.LIVE)).isEqualTo(6);
    }
}
