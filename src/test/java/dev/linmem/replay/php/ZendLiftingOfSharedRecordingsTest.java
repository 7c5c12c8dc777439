package dev.linmem.replay.php;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linmem.replay.trace.TraceEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The lifting recognises every aligned allocation, extension and truncation in the shared PHP
 * recordings, cross-checked with the counts in ../shared/traces/README.md: 17 head trims and 32
 * tail munmaps (31 alignment trims plus the one truncation), 4,235 growths in place and 13
 * refused, the same decisions whichever way the recording grew its huge blocks.
 */
class ZendLiftingOfSharedRecordingsTest {

    @ParameterizedTest
    @ValueSource(strings = {PhpRecordings.STRACE, PhpRecordings.NOMREMAP, PhpRecordings.MALLOC})
    void everyPatternOfTheReadmeIsRecognised(String name) {
        ZendLifter lifter = new ZendLifter(d -> { });
        for (TraceEvent e : PhpRecordings.events(name)) {
            lifter.accept(e);
            lifter.checkInvariants();
        }
        ZendLifting lifting = lifter.finish();
        lifting.checkInvariants();
        LiftCounts c = lifting.counts();

        assertThat(c.headTrims()).as("head trims").isEqualTo(17);
        assertThat(c.tailTrims() + c.truncations()).as("tail munmaps").isEqualTo(32);
        assertThat(c.truncations()).as("truncations (addslashes)").isEqualTo(1);
        assertThat(c.extendedInPlace()).as("growths in place").isEqualTo(4_235);
        assertThat(c.extendedMoved()).as("growths refused").isEqualTo(13);
        assertThat(c.fallbackAllocations()).as("realloc-slow allocations").isEqualTo(13);
        assertThat(c.brokenSequences()).isZero();
        assertThat(c.blocksLiveAtEnd()).as("PHP frees everything at shutdown").isZero();
        assertThat(c.frees()).isEqualTo(c.alignedAllocations());
    }

    @Test
    void theThreeRecordingsLiftToTheSameDecisionsBarTheirEventIndices() {
        var strace = ZendLifter.lift(PhpRecordings.events(PhpRecordings.STRACE)).decisions();
        var nomremap = ZendLifter.lift(PhpRecordings.events(PhpRecordings.NOMREMAP)).decisions();
        var malloc = ZendLifter.lift(PhpRecordings.events(PhpRecordings.MALLOC)).decisions();

        assertThat(withoutIndices(nomremap)).isEqualTo(withoutIndices(strace));
        assertThat(withoutIndices(malloc)).isEqualTo(withoutIndices(strace));
    }

    /**
     * The README's "17 munmaps cover several adjacent mappings at once" in the nomremap recording:
     * each is PHP giving back a huge block that grew by hints, so it is one mapping per growth
     * step. Every one of them is lifted: 13 are the end of a move (the old block unmapped by
     * realloc-slow after each of the 13 refused hints) and 4 are frees.
     */
    @Test
    void inTheNomremapRecordingEveryMunmapOfSeveralMappingsGivesBackAWholeBlock() {
        var events = PhpRecordings.events(PhpRecordings.NOMREMAP);
        ZendLifting lifting = ZendLifter.lift(events);
        java.util.Map<Long, ZendDecision> decisionAt = new java.util.HashMap<>();
        for (ZendDecision d : lifting.decisions()) {
            decisionAt.put(d.eventIndex(), d);
        }
        java.util.TreeMap<Long, Long> mappings = new java.util.TreeMap<>();
        int several = 0;
        int frees = 0;
        int moveEnds = 0;
        for (int i = 0; i < events.size(); i++) {
            TraceEvent e = events.get(i);
            if (e.failed()) {
                continue;
            }
            if (e instanceof TraceEvent.Mmap) {
                TraceEvent.Mmap m = (TraceEvent.Mmap) e;
                cut(mappings, m.result(), m.result() + pageRounded(m.lengthBytes()));
                mappings.put(m.result(), m.result() + pageRounded(m.lengthBytes()));
            } else if (e instanceof TraceEvent.Munmap) {
                TraceEvent.Munmap u = (TraceEvent.Munmap) e;
                long end = u.addr() + pageRounded(u.lengthBytes());
                if (cut(mappings, u.addr(), end) > 1) {
                    several++;
                    assertThat(lifting.isLifted(i + 1)).as("munmap on line %d lifted", e.line()).isTrue();
                    ZendDecision d = decisionAt.get(i + 1L);
                    if (d == null) {
                        moveEnds++;
                    } else {
                        assertThat(d).as("decision of line %d", e.line()).isInstanceOf(ZendDecision.Free.class);
                        frees++;
                    }
                }
            }
        }
        assertThat(several).isEqualTo(17);
        assertThat(moveEnds).as("old blocks unmapped by realloc-slow, one per refused growth").isEqualTo(13);
        assertThat(frees).as("frees of blocks grown by hints").isEqualTo(4);
    }

    /** Removes {@code [start, end)} from the mappings; returns how many mappings it touched. */
    private static int cut(java.util.TreeMap<Long, Long> mappings, long start, long end) {
        int touched = 0;
        java.util.Map.Entry<Long, Long> e = mappings.lowerEntry(end);
        while (e != null && e.getValue() > start) {
            touched++;
            mappings.remove(e.getKey());
            if (e.getKey() < start) {
                mappings.put(e.getKey(), start);
            }
            if (e.getValue() > end) {
                mappings.put(end, e.getValue());
            }
            e = mappings.lowerEntry(Math.min(e.getKey(), end));
        }
        return touched;
    }

    private static long pageRounded(long bytes) {
        return (bytes + 4095) & -4096L;
    }

    @Test
    void whatIsNotPhpsIsReportedAsNotLifted() {
        LiftCounts strace = ZendLifter.lift(PhpRecordings.events(PhpRecordings.STRACE)).counts();
        LiftCounts malloc = ZendLifter.lift(PhpRecordings.events(PhpRecordings.MALLOC)).counts();

        assertThat(strace.notLiftedByCall()).containsKeys("mmap", "brk", "mprotect");
        assertThat(malloc.notLiftedByCall()).containsKeys("malloc", "free");
        assertThat(strace.eventsLifted() + strace.eventsNotLifted()).isEqualTo(strace.events());
    }

    private static java.util.List<String> withoutIndices(java.util.List<ZendDecision> decisions) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (ZendDecision d : decisions) {
            out.add(d.toString().replaceAll(", eventIndex=\\d+", ""));
        }
        return out;
    }
}
