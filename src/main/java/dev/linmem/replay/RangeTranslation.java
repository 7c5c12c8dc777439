package dev.linmem.replay;

import dev.linmem.util.RangeTree;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The piecewise map from recorded address ranges to target address ranges.
 *
 * <p><b>Layout.</b> A {@link RangeTree} of <em>pieces</em> keyed by recorded start (a B+tree
 * with {@code long} keys: lookups near the previous one, the common case, skip the descent; the
 * tree's own end field is unused, a piece's fields are the truth). A piece is a
 * half-open recorded range {@code [recStart, recEnd)} that maps linearly onto the target range
 * {@code [targetStart, targetStart + length)}:
 * <pre>
 *   recorded  |--A--|--A'--|        |---B---|
 *   target        |--B'--|  |--A--|--A'--|
 * </pre>
 * Each piece also carries its {@link Kind}, its recorded protection, and a <em>group</em>: the
 * number of the recorded mapping (or block growth chain) it belongs to. A file-backed piece has
 * no target ({@code targetStart == NO_TARGET}): it is known only so that calls aimed at it can
 * be skipped.
 *
 * <p><b>Invariants.</b> (1) Pieces are non-empty, disjoint and sorted. (2) A piece of kind
 * {@link Kind#FILE} has no target; the others have one. (3) Two adjacent pieces are merged
 * whenever they could be: same kind, group and protection, and contiguous in the target too.
 * (4) {@link #liveBytes()} equals the total length of the pieces that are not file-backed.
 *
 * <p><b>Algorithm.</b> Every change is (1) split the pieces straddling the range's ends, (2)
 * remove or update the pieces inside, (3) merge the range's edges with their neighbours. A
 * mapping that the recording splits (partial munmap, mprotect), grows in place or moves stays
 * translated piece by piece; the target need not have split or moved anything the same way.
 *
 * <p><b>References.</b> Linux's VMA split and merge ({@code mm/vma.c}); the translation rules
 * in docs/replay.md.
 */
final class RangeTranslation {

    /** What a piece holds. */
    enum Kind {
        /** Anonymous memory the program mapped. */
        ANON,
        /** The program break's heap (brk). */
        BREAK,
        /** A file-backed mapping: not replayed; calls aimed at it are skipped. */
        FILE
    }

    /** The target start of a piece that has no target (file-backed). */
    static final long NO_TARGET = -1;

    /** One piece; fields are read by the replayer, changed only here. */
    static final class Piece {
        long recStart;
        long recEnd;
        long targetStart;
        long group;
        Kind kind;
        int prot;

        Piece(long recStart, long recEnd, long targetStart, long group, Kind kind, int prot) {
            this.recStart = recStart;
            this.recEnd = recEnd;
            this.targetStart = targetStart;
            this.group = group;
            this.kind = kind;
            this.prot = prot;
        }

        long lengthBytes() {
            return recEnd - recStart;
        }

        long targetEnd() {
            return targetStart + (recEnd - recStart);
        }

        /** The target address of recorded address {@code rec}, which must lie in this piece. */
        long targetOf(long rec) {
            return targetStart + (rec - recStart);
        }

        boolean hasTarget() {
            return kind != Kind.FILE;
        }

        @Override
        public String toString() {
            return kind + "[" + Long.toHexString(recStart) + "," + Long.toHexString(recEnd) + ")->"
                    + (hasTarget() ? Long.toHexString(targetStart) : "-") + " g" + group + " p" + prot;
        }
    }

    private final RangeTree<Piece> pieces = new RangeTree<>(RangeTree.Lengths.UNTRACKED);
    /** Scratch cursor for walks; valid only until the next change of the tree. */
    private final RangeTree.Cursor<Piece> cursor = new RangeTree.Cursor<>();
    private long liveBytes;

    /** Bytes in pieces that are not file-backed: what the recording holds, as translated here. */
    long liveBytes() {
        return liveBytes;
    }

    /** The piece containing recorded address {@code rec}, or null. */
    Piece pieceAt(long rec) {
        Piece p = pieces.floorValue(rec);
        return p == null || p.recEnd <= rec ? null : p;
    }

    /** The piece whose end is exactly {@code rec} (the mapping a hint at {@code rec} would extend), or null. */
    Piece pieceEndingAt(long rec) {
        Piece p = pieces.lowerValue(rec);
        return p == null || p.recEnd != rec ? null : p;
    }

    /** The piece just before {@code p} in recorded order, or null. */
    Piece pieceBefore(Piece p) {
        return pieces.lowerValue(p.recStart);
    }

    /** True when some piece intersects {@code [start, end)}. */
    boolean intersects(long start, long end) {
        Piece p = pieces.lowerValue(end);
        return p != null && p.recEnd > start;
    }

    /** True when some file-backed piece intersects {@code [start, end)}. */
    boolean intersectsFile(long start, long end) {
        for (Piece p : overlapping(start, end)) {
            if (p.kind == Kind.FILE) {
                return true;
            }
        }
        return false;
    }

    /** The pieces intersecting {@code [start, end)}, unclipped, in order; the live view, do not change them. */
    List<Piece> overlapping(long start, long end) {
        List<Piece> result = new ArrayList<>(2);
        boolean found = pieces.floor(start, cursor);
        if (found && cursor.value().recEnd <= start) {
            found = cursor.next();
        } else if (!found) {
            found = pieces.ceiling(start, cursor);
        }
        for (; found && cursor.key() < end; found = cursor.next()) {
            result.add(cursor.value());
        }
        return result;
    }

    /**
     * Removes {@code [start, end)} from the map, splitting pieces that straddle its ends.
     *
     * @return the removed pieces, clipped to the range, in recorded order (no longer in the map,
     *     so the caller may keep them)
     */
    List<Piece> remove(long start, long end) {
        splitAt(start);
        splitAt(end);
        List<Piece> removed = new ArrayList<>(2);
        for (boolean found = pieces.ceiling(start, cursor); found && cursor.key() < end; found = cursor.next()) {
            removed.add(cursor.value());
        }
        for (Piece p : removed) {
            pieces.remove(p.recStart);
            if (p.kind != Kind.FILE) {
                liveBytes -= p.lengthBytes();
            }
        }
        return removed;
    }

    /**
     * Adds a piece over a range that holds none, merging it with its neighbours where allowed.
     *
     * @throws IllegalStateException if the range intersects a piece (the caller removes first)
     */
    void insert(long recStart, long recEnd, long targetStart, long group, Kind kind, int prot) {
        if (recEnd <= recStart) {
            throw new IllegalArgumentException("empty piece [" + recStart + ", " + recEnd + ")");
        }
        if (intersects(recStart, recEnd)) {
            throw new IllegalStateException("insert over an occupied range [" + Long.toHexString(recStart)
                    + ", " + Long.toHexString(recEnd) + ")");
        }
        Piece p = new Piece(recStart, recEnd, kind == Kind.FILE ? NO_TARGET : targetStart,
                kind == Kind.FILE ? 0 : group, kind, prot);
        pieces.put(recStart, 0, p);
        if (kind != Kind.FILE) {
            liveBytes += p.lengthBytes();
        }
        mergeAround(p);
    }

    /**
     * Moves the end of {@code p}, a piece of this map, to {@code newRecEnd}: growing into
     * recorded space no piece holds, or shrinking. The fast path of in-place growth and
     * shrinking; merges with the next piece when allowed.
     *
     * @throws IllegalStateException if growing would cover another piece
     */
    void resize(Piece p, long newRecEnd) {
        if (newRecEnd <= p.recStart) {
            throw new IllegalArgumentException("resize of " + p + " to an empty piece");
        }
        long delta = newRecEnd - p.recEnd;
        if (delta > 0) {
            Piece next = pieces.higher(p.recStart, cursor) ? cursor.value() : null;
            if (next != null && next.recStart < newRecEnd) {
                throw new IllegalStateException("resize of " + p + " over " + next);
            }
            p.recEnd = newRecEnd;
            if (next != null && next.recStart == newRecEnd && mergeable(p, next)) {
                pieces.remove(newRecEnd);
                p.recEnd = next.recEnd;
            }
        } else {
            p.recEnd = newRecEnd;
        }
        if (p.kind != Kind.FILE) {
            liveBytes += delta;
        }
    }

    /** Sets the recorded protection of {@code [start, end)}, splitting and merging as needed. */
    void protect(long start, long end, int prot) {
        splitAt(start);
        splitAt(end);
        List<Piece> inside = new ArrayList<>(2);
        for (boolean found = pieces.ceiling(start, cursor); found && cursor.key() < end; found = cursor.next()) {
            inside.add(cursor.value());
        }
        for (Piece p : inside) {
            p.prot = prot;
        }
        for (Piece p : inside) {
            if (pieces.get(p.recStart) == p) {
                mergeAround(p);
            }
        }
    }

    /** Calls {@code action} on every piece in recorded order. */
    void forEach(Consumer<Piece> action) {
        for (Piece p : pieces.values()) {
            action.accept(p);
        }
    }

    /** Splits the piece containing {@code rec} strictly inside it into two, at {@code rec}. */
    private void splitAt(long rec) {
        Piece p = pieceAt(rec);
        if (p == null || p.recStart == rec) {
            return;
        }
        Piece tail = new Piece(rec, p.recEnd, p.hasTarget() ? p.targetOf(rec) : NO_TARGET, p.group, p.kind, p.prot);
        p.recEnd = rec;
        pieces.put(rec, 0, tail);
    }

    private void mergeAround(Piece p) {
        Piece prev = pieceEndingAt(p.recStart);
        if (prev != null && mergeable(prev, p)) {
            pieces.remove(p.recStart);
            prev.recEnd = p.recEnd;
            p = prev;
        }
        for (Piece next = pieces.get(p.recEnd); next != null && mergeable(p, next); next = pieces.get(p.recEnd)) {
            pieces.remove(next.recStart);
            p.recEnd = next.recEnd;
        }
    }

    private static boolean mergeable(Piece a, Piece b) {
        return a.recEnd == b.recStart && a.kind == b.kind && a.group == b.group && a.prot == b.prot
                && (a.kind == Kind.FILE || a.targetEnd() == b.targetStart);
    }

    /** Checks the invariants listed in the class comment, and the tree's own. */
    void checkInvariants() {
        pieces.checkInvariants();
        long previousEnd = Long.MIN_VALUE;
        Piece previous = null;
        long live = 0;
        RangeTree.Cursor<Piece> c = new RangeTree.Cursor<>();
        for (boolean found = pieces.first(c); found; found = c.next()) {
            Piece p = c.value();
            if (c.key() != p.recStart) {
                throw new IllegalStateException("piece " + p + " filed under " + Long.toHexString(c.key()));
            }
            if (p.recEnd <= p.recStart) {
                throw new IllegalStateException("empty piece " + p);
            }
            if (p.recStart < previousEnd) {
                throw new IllegalStateException("piece " + p + " overlaps " + previous);
            }
            if ((p.kind == Kind.FILE) != (p.targetStart == NO_TARGET)) {
                throw new IllegalStateException("piece " + p + " has the wrong target for its kind");
            }
            if (previous != null && mergeable(previous, p)) {
                throw new IllegalStateException("pieces " + previous + " and " + p + " are not merged");
            }
            if (p.kind != Kind.FILE) {
                live += p.lengthBytes();
            }
            previousEnd = p.recEnd;
            previous = p;
        }
        if (live != liveBytes) {
            throw new IllegalStateException("live bytes " + liveBytes + " but pieces hold " + live);
        }
    }

    @Override
    public String toString() {
        return pieces.values().toString();
    }
}
