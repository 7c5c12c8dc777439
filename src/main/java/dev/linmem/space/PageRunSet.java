package dev.linmem.space;

import dev.linmem.util.RangeTree;
/**
 * A set of map pages stored as maximal runs {@code [startPage, endPage)}: the address space's
 * record of pages known to read zero.
 *
 * <h2>Layout</h2>
 * <pre>
 *   runs (RangeTree startPage -&gt; endPage):   [0,4) [9,12) [20,limit)
 *   pages:   ZZZZ.....ZZZ........ZZZZZZZZ...
 * </pre>
 *
 * <h2>Invariants</h2>
 * Runs are non-empty, disjoint and never touch; {@code pageCount} is the sum of their lengths.
 *
 * <h2>Algorithm</h2>
 * add and remove look up the run at or before the start once (floor) and walk the following
 * runs along the tree's leaf chain: cut the runs that straddle the edges, drop or join the runs
 * inside. forEachMissing walks the chain from one floor lookup. O(log n) plus the runs touched.
 */
final class PageRunSet {

    /** Receives one run of pages. */
    interface RunConsumer {
        void accept(long startPage, long endPage);
    }

    private final RangeTree<Void> runs = new RangeTree<>(RangeTree.Lengths.UNTRACKED);
    private long pageCount;

    long pageCount() {
        return pageCount;
    }

    int runCount() {
        return runs.size();
    }

    boolean contains(long page) {
        RangeTree.Cursor<Void> r = new RangeTree.Cursor<>();
        return runs.floor(page, r) && r.end() > page;
    }

    /** True when every page of {@code [startPage, endPage)} is in the set. */
    boolean containsAll(long startPage, long endPage) {
        RangeTree.Cursor<Void> r = new RangeTree.Cursor<>();
        return runs.floor(startPage, r) && r.end() >= endPage;
    }

    /** True when some page of {@code [startPage, endPage)} is in the set. */
    boolean containsAny(long startPage, long endPage) {
        RangeTree.Cursor<Void> r = new RangeTree.Cursor<>();
        return firstEndingAfter(startPage, r) && r.key() < endPage;
    }

    /** Adds every page of {@code [startPage, endPage)}. */
    void add(long startPage, long endPage) {
        if (endPage <= startPage) {
            return;
        }
        long s = startPage;
        long e = endPage;
        RangeTree.Cursor<Void> r = new RangeTree.Cursor<>();
        boolean ok = runs.floor(startPage, r);
        if (ok && r.end() >= startPage) {
            s = r.key(); // the run touching or covering the start absorbs the new pages
        } else {
            ok = ok ? r.next() : runs.first(r);
        }
        // Collect the runs that [s, e) touches, then drop them: the cursor is invalid after a change.
        long[] touched = null;
        int count = 0;
        for (; ok && r.key() <= e; ok = r.next()) {
            e = Math.max(e, r.end());
            if (touched == null) {
                touched = new long[4];
            } else if (count == touched.length) {
                touched = java.util.Arrays.copyOf(touched, count * 2);
            }
            touched[count++] = r.key();
            pageCount -= r.end() - r.key();
        }
        for (int i = 0; i < count; i++) {
            if (touched[i] != s) {
                runs.remove(touched[i]);
            }
        }
        runs.put(s, e, null);
        pageCount += e - s;
    }

    /** Removes every page of {@code [startPage, endPage)}. */
    void remove(long startPage, long endPage) {
        removeReportingMissing(startPage, endPage, null);
    }

    /**
     * Removes every page of {@code [startPage, endPage)}, first calling {@code missing} (unless
     * null) for each maximal run of it that was not in the set: {@link #forEachMissing} and
     * {@link #remove} from one lookup. {@code missing} must not change this set.
     */
    void removeReportingMissing(long startPage, long endPage, RunConsumer missing) {
        if (endPage <= startPage) {
            return;
        }
        RangeTree.Cursor<Void> r = new RangeTree.Cursor<>();
        if (!firstEndingAfter(startPage, r) || r.key() >= endPage) {
            if (missing != null) {
                missing.accept(startPage, endPage);
            }
            return;
        }
        long headStart = -1;
        long tailStart = -1;
        long tailEnd = -1;
        long[] inside = null;
        int count = 0;
        long cursor = startPage;
        boolean ok = true;
        for (; ok && r.key() < endPage; ok = r.next()) {
            long rs = r.key();
            long re = r.end();
            if (missing != null && rs > cursor) {
                missing.accept(cursor, rs);
            }
            cursor = re;
            pageCount -= Math.min(re, endPage) - Math.max(rs, startPage);
            if (re > endPage) {
                tailStart = endPage;
                tailEnd = re;
            }
            if (rs < startPage) {
                headStart = rs;
            } else {
                if (inside == null) {
                    inside = new long[4];
                } else if (count == inside.length) {
                    inside = java.util.Arrays.copyOf(inside, count * 2);
                }
                inside[count++] = rs;
            }
        }
        if (missing != null && cursor < endPage) {
            missing.accept(cursor, endPage);
        }
        for (int i = 0; i < count; i++) {
            runs.remove(inside[i]);
        }
        if (headStart >= 0) {
            runs.put(headStart, startPage, null);
        }
        if (tailStart >= 0) {
            runs.put(tailStart, tailEnd, null);
        }
    }

    /** Calls {@code out} for each maximal run of {@code [startPage, endPage)} that is NOT in the set. */
    void forEachMissing(long startPage, long endPage, RunConsumer out) {
        long cursor = startPage;
        RangeTree.Cursor<Void> r = new RangeTree.Cursor<>();
        boolean ok = firstEndingAfter(startPage, r);
        while (cursor < endPage) {
            if (!ok || r.key() >= endPage) {
                out.accept(cursor, endPage);
                return;
            }
            if (r.key() > cursor) {
                out.accept(cursor, r.key());
            }
            cursor = Math.max(cursor, r.end());
            ok = r.next();
        }
    }

    /** Calls {@code out} for each run, in order. */
    void forEachRun(RunConsumer out) {
        for (long[] r : runs.entries()) {
            out.accept(r[0], r[1]);
        }
    }

    /** Checks the invariants listed in the class notes. */
    void checkInvariants() {
        runs.checkInvariants();
        long sum = 0;
        long prevEnd = Long.MIN_VALUE;
        for (long[] r : runs.entries()) {
            if (r[1] <= r[0]) {
                throw new IllegalStateException("page runs: empty run at " + r[0]);
            }
            if (r[0] <= prevEnd) {
                throw new IllegalStateException("page runs: run at " + r[0] + " overlaps or touches the previous");
            }
            sum += r[1] - r[0];
            prevEnd = r[1];
        }
        if (sum != pageCount) {
            throw new IllegalStateException("page runs: count " + pageCount + " but runs sum to " + sum);
        }
    }

    /** Places {@code r} on the first run that ends after {@code page} (it may contain page); false when none. */
    private boolean firstEndingAfter(long page, RangeTree.Cursor<Void> r) {
        boolean ok = runs.floor(page, r);
        if (ok && r.end() > page) {
            return true;
        }
        return ok ? r.next() : runs.first(r);
    }
}
