package dev.linmem.replay;

import dev.linmem.util.RangeTree;
import java.util.ArrayList;
import java.util.List;

/**
 * A set of bytes as disjoint half-open ranges: what a player or a storage holds from its target
 * (added when a call that maps succeeds, removed when a call that unmaps succeeds), or what it
 * leaked. Kept from the results the player got, independent of how its target counts.
 *
 * <h2>Layout</h2>
 * {@code start -> end} of maximal held ranges, half-open, in address order, in a {@link RangeTree}
 * (the B+tree with {@code long} keys the address space and the translation use; no values).
 *
 * <h2>Invariants</h2>
 * Ranges are non-empty, disjoint and not adjacent (adjacent ones are merged), and
 * {@link #heldBytes()} is the sum of their lengths.
 */
public final class ByteRanges {

    private final RangeTree<Void> ranges = new RangeTree<>(RangeTree.Lengths.UNTRACKED);
    private final RangeTree.Cursor<Void> cursor = new RangeTree.Cursor<>();
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
        if (ranges.lower(s, cursor) && cursor.end() == s) {
            s = cursor.key();
            heldBytes -= cursor.end() - cursor.key();
            ranges.remove(s);
        }
        if (ranges.floor(e, cursor) && cursor.key() == e) {
            heldBytes -= cursor.end() - e;
            long after = cursor.end();
            ranges.remove(e);
            e = after;
        }
        ranges.put(s, e, null);
        heldBytes += e - s;
    }

    /** Marks {@code [start, end)} no longer held, splitting ranges that straddle its ends. */
    public void remove(long start, long end) {
        if (start >= end) {
            return;
        }
        splitAt(start);
        splitAt(end);
        List<Long> inside = new ArrayList<>(2);
        for (boolean found = ranges.ceiling(start, cursor); found && cursor.key() < end; found = cursor.next()) {
            inside.add(cursor.key());
            heldBytes -= cursor.end() - cursor.key();
        }
        for (long key : inside) {
            ranges.remove(key);
        }
    }

    /** Cuts the range straddling {@code at} (if any) into two at {@code at}. */
    private void splitAt(long at) {
        if (ranges.lower(at, cursor) && cursor.end() > at) {
            long end = cursor.end();
            ranges.set(cursor, at, null);
            ranges.put(at, end, null);
        }
    }

    /** True when all of {@code [start, end)} is held. */
    public boolean holdsAll(long start, long end) {
        return ranges.floor(start, cursor) && cursor.end() >= end;
    }

    /** Hands every range to {@code visitor} as holding {@code kind}, in address order. */
    public void visit(LiveRangeVisitor visitor, PeakMap.Kind kind) {
        for (long[] r : ranges.entries()) {
            visitor.range(r[0], r[1] - r[0], kind);
        }
    }

    /** Throws {@link IllegalStateException} when a layout invariant is broken. */
    public void checkInvariants() {
        ranges.checkInvariants();
        long sum = 0;
        long previousEnd = Long.MIN_VALUE;
        for (long[] r : ranges.entries()) {
            if (r[0] >= r[1]) {
                throw new IllegalStateException("empty held range at " + r[0]);
            }
            if (r[0] <= previousEnd) {
                throw new IllegalStateException("held ranges overlap or touch at " + r[0]);
            }
            previousEnd = r[1];
            sum += r[1] - r[0];
        }
        if (sum != heldBytes) {
            throw new IllegalStateException("held bytes " + heldBytes + " but ranges sum to " + sum);
        }
    }
}
