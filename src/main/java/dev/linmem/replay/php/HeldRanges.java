package dev.linmem.replay.php;

import java.util.Map;
import java.util.TreeMap;

/**
 * The byte ranges a storage holds from its target: added when a call that maps succeeds,
 * removed when a call that unmaps succeeds, so what is left when PHP holds nothing is the leak.
 * Kept by the storage from the results it got, independent of how its target counts.
 *
 * <h2>Layout</h2>
 * {@code start -> end} of maximal held ranges, half-open, in address order.
 *
 * <h2>Invariants</h2>
 * Ranges are non-empty, disjoint and not adjacent (adjacent ones are merged), and
 * {@link #heldBytes()} is the sum of their lengths.
 */
final class HeldRanges {

    private final TreeMap<Long, Long> ranges = new TreeMap<>();
    private long heldBytes;

    /** Bytes held. */
    long heldBytes() {
        return heldBytes;
    }

    /** Marks {@code [start, end)} held (whatever part of it was held already stays held once). */
    void add(long start, long end) {
        if (start >= end) {
            return;
        }
        remove(start, end);
        long s = start;
        long e = end;
        Map.Entry<Long, Long> before = ranges.floorEntry(s);
        if (before != null && before.getValue() == s) {
            s = before.getKey();
            ranges.remove(s);
            heldBytes -= before.getValue() - before.getKey();
        }
        Long afterEnd = ranges.get(e);
        if (afterEnd != null) {
            ranges.remove(e);
            heldBytes -= afterEnd - e;
            e = afterEnd;
        }
        ranges.put(s, e);
        heldBytes += e - s;
    }

    /** Marks {@code [start, end)} no longer held, splitting ranges that straddle its ends. */
    void remove(long start, long end) {
        if (start >= end) {
            return;
        }
        Map.Entry<Long, Long> first = ranges.lowerEntry(start);
        if (first != null && first.getValue() > start) {
            ranges.put(first.getKey(), start);
            ranges.put(start, first.getValue());
        }
        Map.Entry<Long, Long> last = ranges.lowerEntry(end);
        if (last != null && last.getValue() > end) {
            ranges.put(last.getKey(), end);
            ranges.put(end, last.getValue());
        }
        Map<Long, Long> inside = ranges.subMap(start, true, end, false);
        for (Map.Entry<Long, Long> r : inside.entrySet()) {
            heldBytes -= r.getValue() - r.getKey();
        }
        inside.clear();
    }

    /** True when all of {@code [start, end)} is held. */
    boolean holdsAll(long start, long end) {
        Map.Entry<Long, Long> r = ranges.floorEntry(start);
        return r != null && r.getValue() >= end;
    }

    void checkInvariants() {
        long sum = 0;
        long previousEnd = Long.MIN_VALUE;
        for (Map.Entry<Long, Long> r : ranges.entrySet()) {
            if (r.getKey() >= r.getValue()) {
                throw new IllegalStateException("empty held range at " + r.getKey());
            }
            if (r.getKey() <= previousEnd) {
                throw new IllegalStateException("held ranges overlap or touch at " + r.getKey());
            }
            previousEnd = r.getValue();
            sum += r.getValue() - r.getKey();
        }
        if (sum != heldBytes) {
            throw new IllegalStateException("held bytes " + heldBytes + " but ranges sum to " + sum);
        }
    }
}
