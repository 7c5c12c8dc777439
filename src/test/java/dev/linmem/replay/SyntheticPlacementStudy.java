package dev.linmem.replay;

import dev.linmem.replay.trace.TraceEvent;
import dev.linmem.space.PlacementPolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays synthetic recordings ({@link SyntheticPrograms}) under placement policies and sums
 * up, per policy, how many of Linux's in-place growths each kept and at what peak memory.
 */
final class SyntheticPlacementStudy {

    /** One program replayed under one policy. */
    record ProgramResult(long recordedInPlace, long kept, long lost, double overhead, long failedCalls,
            long outOfMemory) {

        /** The fraction of the recording's in-place growths kept, 1.0 when it had none. */
        double keptFraction() {
            return recordedInPlace == 0 ? 1.0 : (double) kept / recordedInPlace;
        }
    }

    /** The programs of one family under one policy. */
    static final class Summary {
        final List<ProgramResult> programs = new ArrayList<>();

        void add(ProgramResult r) {
            programs.add(r);
        }

        long recordedInPlace() {
            return programs.stream().mapToLong(ProgramResult::recordedInPlace).sum();
        }

        long kept() {
            return programs.stream().mapToLong(ProgramResult::kept).sum();
        }

        double meanKeptFraction() {
            return programs.stream().mapToDouble(ProgramResult::keptFraction).average().orElse(1.0);
        }

        double fractionAtLeast(double keptFraction) {
            return (double) programs.stream().filter(r -> r.keptFraction() >= keptFraction).count() / programs.size();
        }

        double worstKeptFraction() {
            return programs.stream().mapToDouble(ProgramResult::keptFraction).min().orElse(1.0);
        }

        double meanOverhead() {
            return programs.stream().mapToDouble(ProgramResult::overhead).average().orElse(1.0);
        }

        double maxOverhead() {
            return programs.stream().mapToDouble(ProgramResult::overhead).max().orElse(1.0);
        }

        double fractionOverheadAbove(double limit) {
            return (double) programs.stream().filter(r -> r.overhead() > limit).count() / programs.size();
        }

        long outOfMemory() {
            return programs.stream().mapToLong(ProgramResult::outOfMemory).sum();
        }
    }

    private static final Replayer REPLAYER = new Replayer(TargetOptions.defaults());

    private SyntheticPlacementStudy() {
    }

    /** Replays {@code trace} on the linmem target under {@code policy}. */
    static ProgramResult replay(RecordedTrace trace, PlacementPolicy policy) {
        TargetResult r = REPLAYER.replay(trace, new LinmemTarget(policy));
        return new ProgramResult(recordedInPlaceGrowths(trace.events()), r.inPlaceKept(), r.inPlaceLost(),
                r.overhead(), r.failedCallCount(), r.outOfMemoryEvents());
    }

    /**
     * The recording itself as a placement: Linux's span (from the lowest address it ever
     * mapped to its mmap base, the top-down analogue of a linear memory's peak) over peak live.
     */
    static ProgramResult linuxReference(RecordedTrace trace, long mmapBase) {
        long lowest = mmapBase;
        for (TraceEvent e : trace.events()) {
            if (e instanceof TraceEvent.Mmap m && !m.failed()) {
                lowest = Math.min(lowest, m.result());
            } else if (e instanceof TraceEvent.Mremap m && !m.failed()) {
                lowest = Math.min(lowest, m.result());
            }
        }
        long inPlace = recordedInPlaceGrowths(trace.events());
        double span = trace.peakLiveBytes() == 0 ? 1.0 : (double) (mmapBase - lowest) / trace.peakLiveBytes();
        return new ProgramResult(inPlace, inPlace, 0, span, 0, 0);
    }

    /** The mremap growths the recording made in place. */
    static long recordedInPlaceGrowths(List<TraceEvent> events) {
        long n = 0;
        for (TraceEvent e : events) {
            if (e instanceof TraceEvent.Mremap m && m.keptInPlace() && m.newLengthBytes() > m.oldLengthBytes()) {
                n++;
            }
        }
        return n;
    }
}
