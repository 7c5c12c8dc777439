package dev.linmem.replay.php;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.linmem.replay.php.ZendDecision.AlignedAlloc;
import dev.linmem.replay.php.ZendDecision.Extend;
import dev.linmem.replay.php.ZendDecision.Free;
import dev.linmem.replay.php.ZendDecision.RecordedOutcome;
import dev.linmem.replay.php.ZendDecision.Truncate;
import dev.linmem.replay.trace.TraceEvent;
import dev.linmem.space.Errno;
import dev.linmem.space.Mman;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lifting on hand-written excerpts of each pattern zend_alloc leaves in a recording. */
class ZendLifterTest {

    private static final long MIB = 1024 * 1024;
    private static final long CHUNK = 2 * MIB;
    private static final long PAGE = 4096;
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final int ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;
    private static final long BASE = 0x7f00_0000_0000L;

    private final List<TraceEvent> events = new ArrayList<>();

    private void mmap(long addr, long length, long result) {
        mmapBy(1, addr, length, result);
    }

    private void mmapBy(int tid, long addr, long length, long result) {
        events.add(new TraceEvent.Mmap(events.size() + 1, tid, 0, addr, length, RW, ANON, -1, 0, result));
    }

    private void munmap(long addr, long length) {
        munmapBy(1, addr, length);
    }

    private void munmapBy(int tid, long addr, long length) {
        events.add(new TraceEvent.Munmap(events.size() + 1, tid, 0, addr, length, 0));
    }

    private void mremap(long addr, long oldLength, long newLength, long result) {
        events.add(new TraceEvent.Mremap(events.size() + 1, 1, 0, addr, oldLength, newLength, 0, 0, result));
    }

    /** Lifts the events one at a time, checking the lifter's invariants after each. */
    private ZendLifting lift() {
        List<ZendDecision> streamed = new ArrayList<>();
        ZendLifter lifter = new ZendLifter(streamed::add);
        for (TraceEvent e : events) {
            lifter.accept(e);
            lifter.checkInvariants();
        }
        ZendLifting lifting = lifter.finish();
        lifter.checkInvariants();
        lifting.checkInvariants();
        assertThat(lifting.decisions()).isEqualTo(streamed);
        assertThat(ZendLifter.lift(events).decisions()).isEqualTo(streamed);
        return lifting;
    }

    @Test
    void aChunkAlignedFirstTryIsAnAlignedAllocation() {
        mmap(0, CHUNK, BASE);
        munmap(BASE, CHUNK);

        ZendLifting l = lift();

        assertThat(l.decisions()).containsExactly(new AlignedAlloc(1, CHUNK, 1), new Free(1, 2));
        assertThat(l.counts().alignedDirect()).isEqualTo(1);
        assertThat(l.counts().eventsLifted()).isEqualTo(2);
        assertThat(l.counts().blocksLiveAtEnd()).isZero();
    }

    @Test
    void mapAndTrimYieldsTheAlignedBlockInsideWithHeadAndTailTrims() {
        long size = CHUNK + PAGE;
        long misaligned = BASE + CHUNK - PAGE;
        long oversized = size + CHUNK - PAGE;
        long second = BASE + 5 * PAGE;
        long start = BASE + CHUNK;
        mmap(0, size, misaligned);
        munmap(misaligned, size);
        mmap(0, oversized, second);
        munmap(second, start - second);
        munmap(start + size, second + oversized - (start + size));

        ZendLifting l = lift();

        assertThat(l.decisions()).containsExactly(new AlignedAlloc(1, size, 3));
        assertThat(l.counts().alignedMapAndTrim()).isEqualTo(1);
        assertThat(l.counts().headTrims()).isEqualTo(1);
        assertThat(l.counts().tailTrims()).isEqualTo(1);
        assertThat(l.counts().eventsLifted()).isEqualTo(5);
        assertThat(l.counts().eventsNotLifted()).isZero();
    }

    @Test
    void anAlignedSecondTryHasOnlyATailTrimAndTheBlockStartsAtIt() {
        long size = CHUNK + PAGE;
        mmap(0, size, BASE + PAGE);
        munmap(BASE + PAGE, size);
        mmap(0, size + CHUNK - PAGE, BASE);
        munmap(BASE + size, CHUNK - PAGE);
        munmap(BASE, size);

        ZendLifting l = lift();

        assertThat(l.decisions()).containsExactly(new AlignedAlloc(1, size, 3), new Free(1, 5));
        assertThat(l.counts().headTrims()).isZero();
        assertThat(l.counts().tailTrims()).isEqualTo(1);
    }

    @Test
    void anMremapGrowthInPlaceIsAnExtensionKeptInPlace() {
        mmap(0, CHUNK, BASE);
        mremap(BASE, CHUNK, CHUNK + 4 * PAGE, BASE);
        mremap(BASE, CHUNK + 4 * PAGE, CHUNK + 8 * PAGE, BASE);
        munmap(BASE, CHUNK + 8 * PAGE);

        ZendLifting l = lift();

        assertThat(l.decisions()).containsExactly(new AlignedAlloc(1, CHUNK, 1),
                new Extend(1, CHUNK + 4 * PAGE, RecordedOutcome.IN_PLACE, 2),
                new Extend(1, CHUNK + 8 * PAGE, RecordedOutcome.IN_PLACE, 3), new Free(1, 4));
        assertThat(l.counts().extendedInPlace()).isEqualTo(2);
    }

    @Test
    void aFailedMremapIsAMovedExtensionAndRealloSlowKeepsTheBlocksIdentity() {
        long grown = CHUNK + 4 * PAGE;
        long newHome = BASE + 8 * CHUNK;
        mmap(0, CHUNK, BASE);
        mremap(BASE, CHUNK, grown, Errno.ENOMEM.result());
        mmap(0, grown, newHome);
        munmap(BASE, CHUNK);
        mremap(newHome, grown, grown + PAGE, newHome);
        munmap(newHome, grown + PAGE);

        ZendLifting l = lift();

        assertThat(l.decisions()).containsExactly(new AlignedAlloc(1, CHUNK, 1),
                new Extend(1, grown, RecordedOutcome.MOVED, 2),
                new Extend(1, grown + PAGE, RecordedOutcome.IN_PLACE, 5), new Free(1, 6));
        assertThat(l.counts().extendedMoved()).isEqualTo(1);
        assertThat(l.counts().fallbackAllocations()).isEqualTo(1);
        assertThat(l.counts().frees()).isEqualTo(1);
        assertThat(l.counts().eventsNotLifted()).isZero();
    }

    @Test
    void hintedGrowthHonouredIsInPlaceAndOneMunmapFreesEveryPiece() {
        mmap(0, CHUNK, BASE);
        mmap(BASE + CHUNK, 4 * PAGE, BASE + CHUNK);
        mmap(BASE + CHUNK + 4 * PAGE, 4 * PAGE, BASE + CHUNK + 4 * PAGE);
        munmap(BASE, CHUNK + 8 * PAGE);

        ZendLifting l = lift();

        assertThat(l.decisions()).containsExactly(new AlignedAlloc(1, CHUNK, 1),
                new Extend(1, CHUNK + 4 * PAGE, RecordedOutcome.IN_PLACE, 2),
                new Extend(1, CHUNK + 8 * PAGE, RecordedOutcome.IN_PLACE, 3), new Free(1, 4));
    }

    @Test
    void aHintPlacedElsewhereAndUnmappedIsAMovedExtension() {
        long elsewhere = BASE + 40 * CHUNK + PAGE;
        long newHome = BASE + 10 * CHUNK;
        mmap(0, CHUNK, BASE);
        mmap(BASE + CHUNK, 4 * PAGE, elsewhere);
        munmap(elsewhere, 4 * PAGE);
        mmap(0, CHUNK + 4 * PAGE, newHome);
        munmap(BASE, CHUNK);

        ZendLifting l = lift();

        assertThat(l.decisions()).containsExactly(new AlignedAlloc(1, CHUNK, 1),
                new Extend(1, CHUNK + 4 * PAGE, RecordedOutcome.MOVED, 3));
        assertThat(l.counts().eventsLifted()).isEqualTo(5);
        assertThat(l.counts().blocksLiveAtEnd()).isEqualTo(1);
    }

    @Test
    void aTailMunmapOfABlockIsATruncation() {
        mmap(0, 4 * CHUNK, BASE);
        munmap(BASE + 2 * CHUNK + PAGE, 2 * CHUNK - PAGE);
        munmap(BASE, 2 * CHUNK + PAGE);

        ZendLifting l = lift();

        assertThat(l.decisions()).containsExactly(new AlignedAlloc(1, 4 * CHUNK, 1),
                new Truncate(1, 2 * CHUNK + PAGE, 2), new Free(1, 3));
    }

    @Test
    void whatIsNotPhpsIsCountedByCallAndNotLifted() {
        events.add(new TraceEvent.Mmap(1, 1, 0, 0, 913_680, Mman.PROT_READ, Mman.MAP_PRIVATE | Mman.MAP_DENYWRITE,
                3, 0, BASE + 64 * CHUNK));
        mmap(0, 8192, BASE + 70 * CHUNK);
        events.add(new TraceEvent.Brk(3, 1, 0, 0, 0x5600_0000_0000L));
        events.add(new TraceEvent.Malloc(4, 1, 0, 100, 0x5600_0000_1000L));
        munmap(BASE + 70 * CHUNK, 8192);

        ZendLifting l = lift();

        assertThat(l.decisions()).isEmpty();
        assertThat(l.counts().eventsNotLifted()).isEqualTo(5);
        assertThat(l.counts().notLiftedByCall()).containsEntry("mmap", 2L).containsEntry("brk", 1L)
                .containsEntry("malloc", 1L).containsEntry("munmap", 1L);
    }

    @Test
    void aMisalignedBigMappingNotUnmappedAtOnceIsNotPhps() {
        mmap(0, 2 * CHUNK, BASE + PAGE);
        mmap(0, 8192, BASE + 70 * CHUNK);
        munmap(BASE + PAGE, 2 * CHUNK);

        ZendLifting l = lift();

        assertThat(l.decisions()).isEmpty();
        assertThat(l.counts().brokenSequences()).isEqualTo(1);
        assertThat(l.counts().eventsNotLifted()).isEqualTo(3);
    }

    @Test
    void anotherThreadsCallsDoNotBreakASequence() {
        long size = CHUNK + PAGE;
        mmapBy(1, 0, size, BASE + PAGE);
        mmapBy(2, 0, 8192, BASE + 70 * CHUNK);
        munmapBy(1, BASE + PAGE, size);
        mmapBy(1, 0, size + CHUNK - PAGE, BASE);
        munmapBy(2, BASE + 70 * CHUNK, 8192);
        munmapBy(1, BASE + size, CHUNK - PAGE);

        ZendLifting l = lift();

        assertThat(l.decisions()).containsExactly(new AlignedAlloc(1, size, 4));
        assertThat(l.counts().tailTrims()).isEqualTo(1);
        assertThat(l.counts().eventsNotLifted()).isEqualTo(2);
    }

    @Test
    void aStreamingLifterHandsDecisionsOutAsTheyComplete() {
        List<ZendDecision> seen = new ArrayList<>();
        ZendLifter lifter = new ZendLifter(seen::add);
        lifter.accept(new TraceEvent.Mmap(1, 1, 0, 0, CHUNK, RW, ANON, -1, 0, BASE));
        assertThat(seen).containsExactly(new AlignedAlloc(1, CHUNK, 1));
        lifter.finish();
        assertThatThrownBy(() -> lifter.accept(new TraceEvent.Munmap(2, 1, 0, BASE, CHUNK, 0)))
                .isInstanceOf(IllegalStateException.class);
    }
}
