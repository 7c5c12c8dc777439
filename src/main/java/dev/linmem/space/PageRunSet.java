package dev.linmem.space;

import java.util.Map;
import java.util.TreeMap;

/**
 * A set of map pages stored as maximal runs {@code [startPage, endPage)}: the address space's
 * record of pages known to read zero.
 *
 * <h2>Layout</h2>
 * <pre>
 *   runs (TreeMap startPage -> endPage):   [0,4) [9,12) [20,limit)
 *   pages:   ZZZZ.....ZZZ........ZZZZZZZZ...
 * </pre>
 *
 * <h2>Invariants</h2>
 * Runs are non-empty, disjoint and never touch; {@code pageCount} is the sum of their lengths.
 *
 * <h2>Algorithm</h2>
 * add and remove look up the run at or before each end (floor), cut the runs that straddle the
 * edges and drop or join the runs inside: O(log n) plus the runs touched.
 */
final class PageRunSet {

    /** Receives one run of pages. */
    interface RunConsumer {
        void accept(long startPage, long endPage);
    }

    private final TreeMap<Long, Long> runs = new TreeMap<>();
    private long pageCount;

    long pageCount() {
        return pageCount;
    }

    int runCount() {
        return runs.size();
    }

    boolean contains(long page) {
        Map.Entry<Long, Long> e = runs.floorEntry(page);
        return e != null && e.getValue() > page;
    }

    /** True when every page of {@code [startPage, endPage)} is in the set. */
    boolean containsAll(long startPage, long endPage) {
        Map.Entry<Long, Long> e = runs.floorEntry(startPage);
        return e != null && e.getValue() >= endPage;
    }

    /** True when some page of {@code [startPage, endPage)} is in the set. */
    boolean containsAny(long startPage, long endPage) {
        Map.Entry<Long, Long> e = runs.floorEntry(startPage);
        if (e != null && e.getValue() > startPage) {
            return true;
        }
        Map.Entry<Long, Long> next = runs.higherEntry(startPage);
        return next != null && next.getKey() < endPage;
    }

    /** Adds every page of {@code [startPage, endPage)}. */
    void add(long startPage, long endPage) {
        if (endPage <= startPage) {
            return;
        }
        long s = startPage;
        long e = endPage;
        Map.Entry<Long, Long> before = runs.floorEntry(startPage);
        if (before != null && before.getValue() >= startPage) {
            s = before.getKey();
            e = Math.max(e, before.getValue());
            drop(before.getKey());
        }
        for (Map.Entry<Long, Long> r = runs.ceilingEntry(s); r != null && r.getKey() <= e; r = runs.ceilingEntry(s)) {
            e = Math.max(e, r.getValue());
            drop(r.getKey());
        }
        runs.put(s, e);
        pageCount += e - s;
    }

    /** Removes every page of {@code [startPage, endPage)}. */
    void remove(long startPage, long endPage) {
        if (endPage <= startPage) {
            return;
        }
        Map.Entry<Long, Long> before = runs.lowerEntry(startPage);
        if (before != null && before.getValue() > startPage) {
            long oldEnd = before.getValue();
            runs.put(before.getKey(), startPage);
            pageCount -= oldEnd - startPage;
            if (oldEnd > endPage) {
                runs.put(endPage, oldEnd);
                pageCount += oldEnd - endPage;
                return;
            }
        }
        for (Map.Entry<Long, Long> r = runs.ceilingEntry(startPage); r != null && r.getKey() < endPage;
                r = runs.ceilingEntry(startPage)) {
            drop(r.getKey());
            if (r.getValue() > endPage) {
                runs.put(endPage, r.getValue());
                pageCount += r.getValue() - endPage;
            }
        }
    }

    /** Calls {@code out} for each maximal run of {@code [startPage, endPage)} that is NOT in the set. */
    void forEachMissing(long startPage, long endPage, RunConsumer out) {
        long cursor = startPage;
        Map.Entry<Long, Long> r = runs.floorEntry(startPage);
        if (r == null || r.getValue() <= startPage) {
            r = runs.higherEntry(startPage);
        }
        while (cursor < endPage) {
            if (r == null || r.getKey() >= endPage) {
                out.accept(cursor, endPage);
                return;
            }
            if (r.getKey() > cursor) {
                out.accept(cursor, r.getKey());
            }
            cursor = Math.max(cursor, r.getValue());
            r = runs.higherEntry(r.getKey());
        }
    }

    /** Calls {@code out} for each run, in order. */
    void forEachRun(RunConsumer out) {
        for (Map.Entry<Long, Long> r : runs.entrySet()) {
            out.accept(r.getKey(), r.getValue());
        }
    }

    /** Checks the invariants listed in the class notes. */
    void checkInvariants() {
        long sum = 0;
        long prevEnd = Long.MIN_VALUE;
        for (Map.Entry<Long, Long> r : runs.entrySet()) {
            if (r.getValue() <= r.getKey()) {
                throw new IllegalStateException("page runs: empty run at " + r.getKey());
            }
            if (r.getKey() <= prevEnd) {
                throw new IllegalStateException("page runs: run at " + r.getKey() + " overlaps or touches the previous");
            }
            sum += r.getValue() - r.getKey();
            prevEnd = r.getValue();
        }
        if (sum != pageCount) {
            throw new IllegalStateException("page runs: count " + pageCount + " but runs sum to " + sum);
        }
    }

    private void drop(long startPage) {
        Long end = runs.remove(startPage);
        pageCount -= end - startPage;
    }
}
