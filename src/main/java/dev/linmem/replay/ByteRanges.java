package dev.linmem.replay;

import java.util.Map;
import java.util.TreeMap;

/**
 * A set of bytes as disjoint half-open ranges: what a player or a storage holds from its target
 * (added when a call that maps succeeds, removed when a call that unmaps succeeds), or what it
 * leaked. Kept from the results the player got, independent of how its target counts.
 *
 * <h2>Layout</h2>
 * {@code start -> end} of maximal held ranges, half-open, in address order.
 *
 * <h2>Invariants</h2>
 * Ranges are non-empty, disjoint and not adjacent (adjacent ones are merged), and
 * {@link #heldBytes()} is the sum of their lengths.
 */
public final class ByteRanges {

    private final TreeMap<Long, Long> ranges = new TreeMap<>();
    private long heldBytes;

    /** Bytes in the set. */
    public long heldBytes() {
        return heldBytes;
    }

    /** Marks {@code [start, end)} held (whatever part of it was held already stays held once). */
    public void add(long start, long end) {
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
    public void remove(long start, long end) {
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
    public boolean holdsAll(long start, long end) {
        Map.Entry<Long, Long> r = ranges.floorEntry(start);
        return r != null && r.getValue() >= end;
    }

    /** Hands every range to {@code visitor} as holding {@code kind}, in address order. */
    public void visit(LiveRangeVisitor visitor, PeakMap.Kind kind) {
        for (Map.Entry<Long, Long> r : ranges.entrySet()) {
            visitor.range(r.getKey(), r.getValue() - r.getKey(), kind);
        }
    }

    /** Throws {@link IllegalStateException} when a layout invariant is broken. */
    public void checkInvariants() {
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
