package dev.linmem.replay;

import java.util.List;
import java.util.Map;

/**
 * The figures of one target on one trace. docs/replay.md defines each one; in short:
 *
 * @param name              the target's registered name
 * @param description       the target's one-line description
 * @param eventsReplayed    events applied to the target (including recorded failures, which are noted, not applied)
 * @param eventsSkipped     events not replayed: file-backed mappings, operations aimed only at them,
 *                          and kinds the target cannot replay
 * @param peakLinearBytes   the target's linear memory high-water mark in bytes (wasm memory never shrinks)
 * @param peakLinearPages   the same in 64 KiB wasm pages
 * @param peakLiveBytes     the recording's own lower bound: the maximum over time of mapped anonymous
 *                          bytes (system-call traces) or live heap bytes (heap traces)
 * @param overhead          {@code peakLinearBytes / peakLiveBytes} (1.0 when nothing was live)
 * @param failedCalls       calls the target failed although they succeeded in the recording, by errno name
 *                          ({@code "ENOMEM"}), in first-seen order
 * @param leakedBytes       bytes still held by the target at the end that the recording had given back
 *                          (a failed partial munmap leaves its pages allocated)
 * @param copiedBytes       bytes copied by fallbacks (map new, copy, unmap old) and by the target's own moves
 * @param clearedBytes      bytes the target zeroed to hand out zeroed memory
 * @param inPlaceKept       growths that succeeded in place in the recording and also in place on the target
 * @param inPlaceLost       growths that succeeded in place in the recording but not on the target
 * @param outOfMemoryEvents allocations (mmap, malloc, sbrk) the target failed although the recording succeeded
 * @param replayNanos       wall time of the replay alone, excluding reading and parsing
 * @param nsPerEvent        {@code replayNanos / eventsReplayed}
 * @param timeline          linear and live bytes over the replay, at most about 1,000 samples, first and last included
 * @param peakMap           the address space at its peak
 */
public record TargetResult(String name, String description, long eventsReplayed, long eventsSkipped,
                           long peakLinearBytes, long peakLinearPages, long peakLiveBytes, double overhead,
                           Map<String, Long> failedCalls, long leakedBytes, long copiedBytes, long clearedBytes,
                           long inPlaceKept, long inPlaceLost, long outOfMemoryEvents, long replayNanos,
                           double nsPerEvent, List<Sample> timeline, PeakMap peakMap) {

    public TargetResult {
        failedCalls = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(failedCalls));
        timeline = List.copyOf(timeline);
    }

    /** Failed calls of every errno together. */
    public long failedCallCount() {
        long n = 0;
        for (long v : failedCalls.values()) {
            n += v;
        }
        return n;
    }

    /** The fraction of recorded in-place growths kept in place, 1.0 when there were none. */
    public double inPlaceKeptFraction() {
        long total = inPlaceKept + inPlaceLost;
        return total == 0 ? 1.0 : (double) inPlaceKept / total;
    }

    /** Replayed events per second, or 0 when no time was measured. */
    public double eventsPerSecond() {
        return replayNanos == 0 ? 0 : eventsReplayed * 1e9 / replayNanos;
    }
}
