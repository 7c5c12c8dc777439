package dev.linmem.space;

import dev.linmem.util.RangeTree;
import java.util.ArrayList;
import java.util.List;

/**
 * The free ranges (gaps) of an address space, indexed by address and by size so that every
 * placement query is logarithmic.
 *
 * <h2>Layout</h2>
 * <pre>
 *   by address: a RangeTree of gaps (startPage -&gt; endPage) tracking the longest gap of every
 *               subtree, so "lowest gap of at least n pages" descends one path.
 *   by size:    a RangeTree keyed by pageCount; the entry of size n holds the lowest start of
 *               the gaps of n pages (its endPage field) and, when there are more, a RangeTree
 *               of their other starts (its value). Ordered by (pageCount, startPage), so
 *               "smallest gap of at least n pages" is one ceiling lookup.
 *
 *   pages:  0    4         10   13      20
 *           |....|#########|....|#######|......   gaps [0,4) [10,13) [20,limit); # mapped
 *   by size: 3 -&gt; (lowest 10)   4 -&gt; (lowest 0)   limit-20 -&gt; (lowest 20)
 * </pre>
 * The size index keeps a size's lowest start in the entry itself so that a size held by one gap
 * (the long gap at the top of memory, whose size changes with almost every mapping placed there)
 * costs no tree of its own.
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li>Gaps are non-empty, disjoint and never touch (two touching gaps are one gap).</li>
 *   <li>The address tree holds the gaps with exact subtree maxima ({@link RangeTree}'s
 *       invariants).</li>
 *   <li>The size index holds exactly the gaps: for each size, the entry's lowest start is below
 *       every start in its tree, each start names a gap of that size, and sizes without gaps
 *       have no entry.</li>
 *   <li>{@code freePages} is the sum of the gaps' lengths.</li>
 *   <li>The gap remembered by the last successful {@code isFree}, when set, is a gap.</li>
 * </ol>
 *
 * <h2>Algorithm</h2>
 * <ol>
 *   <li>occupy(s, e): the gap containing s is the one the caller's isFree just found, else
 *       the floor of s by address; check it covers e,
 *       shorten it to its part before s and insert its part after e; when s is its start, move
 *       its start to e instead (one {@code rekey}), or remove it when nothing is left.</li>
 *   <li>release(s, e): one floor lookup at e - 1 finds the gap before (it must end at or before
 *       s) and, one step along the leaf chain, the gap after; lengthen the gap ending at s (and
 *       drop the gap at e into it), else move the start of the gap at e down to s, else insert
 *       a new gap.</li>
 *   <li>lowestFit(n, a): descend the address tree along subtrees whose longest gap has at least
 *       n pages; the first gap where an a-aligned run of n pages fits wins. Gaps that are long
 *       enough but fail only by alignment are examined at most {@link #ALIGNED_PROBES} times,
 *       then the search asks for n + a - 1 pages, which always fit aligned (so the result may
 *       be a little above the lowest); only when no such gap exists are all gaps examined,
 *       so a fit is never missed.</li>
 *   <li>smallestFit(n, a): from the ceiling of n in the size index, in (size, start) order,
 *       with the same probe bound for alignment, then the ceiling of n + a - 1.</li>
 * </ol>
 * Every change to a gap updates both indexes: O(log n) each.
 *
 * <h2>References</h2>
 * Linux keeps {@code rb_subtree_gap} in the VMA tree (mm/mmap.c, before the maple tree) for the
 * same descent; the maple tree that replaced it is a B-tree for the same reason as ours: fewer
 * cache misses per lookup.
 */
final class GapIndex {

    /** How many long-enough gaps an aligned search examines before asking for a guaranteed fit. */
    static final int ALIGNED_PROBES = 16;

    /** One gap, as the queries return it. */
    static final class Gap {
        final long startPage;
        final long endPage;

        Gap(long startPage, long endPage) {
            this.startPage = startPage;
            this.endPage = endPage;
        }

        long pageCount() {
            return endPage - startPage;
        }

        @Override
        public String toString() {
            return "[" + startPage + ", " + endPage + ")";
        }
    }

    private final RangeTree<Void> byAddress = new RangeTree<>(RangeTree.Lengths.TRACK_MAX);
    private final RangeTree<RangeTree<Void>> bySize = new RangeTree<>(RangeTree.Lengths.UNTRACKED);
    private long freePages;
    /**
     * The gap the last successful {@link #isFree} found, which an {@link #occupy} of pages inside
     * it takes without a second lookup (callers check, then occupy); -1 when unset. Every change
     * to the gaps unsets it.
     */
    private long checkedStart = -1;
    private long checkedEnd;

    /** Number of gaps. */
    int size() {
        return byAddress.size();
    }

    /** Total pages in all gaps. */
    long freePages() {
        return freePages;
    }

    /** The gap containing {@code page}, or null. */
    Gap gapContaining(long page) {
        RangeTree.Cursor<Void> c = new RangeTree.Cursor<>();
        return byAddress.floor(page, c) && page < c.end() ? new Gap(c.key(), c.end()) : null;
    }

    /** The gap with the highest start, or null when there is none. */
    Gap last() {
        RangeTree.Cursor<Void> c = new RangeTree.Cursor<>();
        return byAddress.last(c) ? new Gap(c.key(), c.end()) : null;
    }

    /** True when every page of {@code [startPage, endPage)} is free. */
    boolean isFree(long startPage, long endPage) {
        RangeTree.Cursor<Void> c = new RangeTree.Cursor<>();
        if (byAddress.floor(startPage, c) && startPage < c.end() && endPage <= c.end()) {
            checkedStart = c.key();
            checkedEnd = c.end();
            return true;
        }
        return false;
    }

    /** Adds a gap; it must not overlap or touch an existing one. Used to set up the index. */
    void add(long startPage, long endPage) {
        if (endPage <= startPage) {
            throw new IllegalStateException("add of empty range [" + startPage + ", " + endPage + ")");
        }
        insertGap(startPage, endPage);
    }

    /** Marks {@code [startPage, endPage)} used; it must lie inside one gap (the last one {@link #isFree} found is reused). */
    void occupy(long startPage, long endPage) {
        long gapStart = checkedStart;
        long gapEnd = checkedEnd;
        if (gapStart < 0 || startPage < gapStart || endPage > gapEnd) {
            RangeTree.Cursor<Void> c = new RangeTree.Cursor<>();
            boolean found = byAddress.floor(startPage, c);
            gapStart = found ? c.key() : -1;
            gapEnd = found ? c.end() : -1;
        }
        if (endPage <= startPage || gapStart < 0 || startPage >= gapEnd || endPage > gapEnd) {
            throw new IllegalStateException("occupy [" + startPage + ", " + endPage + ") is not inside a gap");
        }
        if (gapStart < startPage) {
            resizeGap(gapStart, gapEnd, startPage);
            if (endPage < gapEnd) {
                insertGap(endPage, gapEnd);
            }
        } else if (endPage < gapEnd) {
            moveGap(gapStart, gapEnd, endPage, gapEnd); // the gap loses its first pages
        } else {
            removeGap(gapStart, gapEnd);
        }
    }

    /** Marks {@code [startPage, endPage)} free; no page of it may be free already. */
    void release(long startPage, long endPage) {
        if (endPage <= startPage) {
            throw new IllegalStateException("release of empty range [" + startPage + ", " + endPage + ")");
        }
        RangeTree.Cursor<Void> c = new RangeTree.Cursor<>();
        long beforeStart = -1;
        long beforeEnd = -1;
        boolean onAfter;
        if (byAddress.floor(endPage - 1, c)) {
            if (c.end() > startPage) {
                throw new IllegalStateException("release [" + startPage + ", " + endPage + ") overlaps gap ["
                        + c.key() + ", " + c.end() + ")");
            }
            beforeStart = c.key();
            beforeEnd = c.end();
            onAfter = c.next();
        } else {
            onAfter = byAddress.first(c);
        }
        long afterEnd = onAfter && c.key() == endPage ? c.end() : -1;
        if (beforeEnd == startPage) {
            if (afterEnd >= 0) {
                removeGap(endPage, afterEnd);
            }
            resizeGap(beforeStart, beforeEnd, Math.max(endPage, afterEnd));
        } else if (afterEnd >= 0) {
            moveGap(endPage, afterEnd, startPage, afterEnd); // the gap after absorbs the range
        } else {
            insertGap(startPage, endPage);
        }
    }

    /**
     * The lowest start page of an {@code alignPages}-aligned run of {@code pageCount} free pages
     * (nearly lowest when alignment forces the bounded fallback, see the class notes), or -1.
     */
    long lowestFit(long pageCount, long alignPages) {
        RangeTree.Cursor<Void> c = new RangeTree.Cursor<>();
        if (alignPages <= 1) {
            return byAddress.lowestWithLengthAtLeast(pageCount, c) ? c.key() : -1;
        }
        AlignedSearch bounded = new AlignedSearch(pageCount, alignPages, ALIGNED_PROBES);
        byAddress.visitWithLengthAtLeast(pageCount, bounded);
        if (bounded.found >= 0 || bounded.probes > 0) {
            return bounded.found;
        }
        if (byAddress.lowestWithLengthAtLeast(pageCount + alignPages - 1, c)) {
            return alignUp(c.key(), alignPages);
        }
        AlignedSearch all = new AlignedSearch(pageCount, alignPages, Integer.MAX_VALUE);
        byAddress.visitWithLengthAtLeast(pageCount, all);
        return all.found;
    }

    /**
     * The start page of an {@code alignPages}-aligned run of {@code pageCount} pages in the
     * smallest gap that holds one (with the same bounded alignment probing), or -1.
     */
    long smallestFit(long pageCount, long alignPages) {
        long align = Math.max(1, alignPages);
        AlignedSearch bounded = new AlignedSearch(pageCount, align, ALIGNED_PROBES);
        visitBySize(pageCount, bounded);
        if (bounded.found >= 0) {
            return bounded.found;
        }
        RangeTree.Cursor<RangeTree<Void>> c = new RangeTree.Cursor<>();
        if (bySize.ceiling(pageCount + align - 1, c)) {
            return alignUp(c.end(), align);
        }
        // Rare: only gaps that fit by their alignment remain; examine them all.
        return lowestFit(pageCount, alignPages);
    }

    /** The smallest gap of at least {@code pageCount} pages (the lowest of that size), or null. */
    Gap smallestWithAtLeast(long pageCount) {
        RangeTree.Cursor<RangeTree<Void>> c = new RangeTree.Cursor<>();
        return bySize.ceiling(pageCount, c) ? new Gap(c.end(), c.end() + c.key()) : null;
    }

    /** The lowest gap of at least {@code pageCount} pages starting at or above {@code fromPage}, or null. */
    Gap lowestWithAtLeastFrom(long pageCount, long fromPage) {
        RangeTree.Cursor<Void> c = new RangeTree.Cursor<>();
        return byAddress.lowestWithLengthAtLeastFrom(pageCount, fromPage, c) ? new Gap(c.key(), c.end()) : null;
    }

    /** The longest gap starting below {@code page}: 0 when there is none. */
    long maxPagesBelow(long page) {
        return byAddress.maxLengthBelow(page);
    }

    /** All gaps in address order (for listings and invariant checks). */
    List<Gap> inOrder() {
        List<Gap> out = new ArrayList<>(size());
        for (long[] e : byAddress.entries()) {
            out.add(new Gap(e[0], e[1]));
        }
        return out;
    }

    /** Checks the invariants listed in the class notes. */
    void checkInvariants() {
        byAddress.checkInvariants();
        bySize.checkInvariants();
        long total = 0;
        long prevEnd = Long.MIN_VALUE;
        for (long[] g : byAddress.entries()) {
            if (g[1] <= g[0]) {
                throw new IllegalStateException("gap index: empty gap [" + g[0] + ", " + g[1] + ")");
            }
            if (prevEnd >= g[0]) {
                throw new IllegalStateException("gap index: gap [" + g[0] + ", " + g[1] + ") overlaps or touches the previous");
            }
            total += g[1] - g[0];
            prevEnd = g[1];
        }
        if (total != freePages) {
            throw new IllegalStateException("gap index: free pages " + freePages + " but gaps sum to " + total);
        }
        int indexed = 0;
        RangeTree.Cursor<RangeTree<Void>> size = new RangeTree.Cursor<>();
        for (boolean ok = bySize.first(size); ok; ok = size.next()) {
            long pages = size.key();
            checkSized(size.end(), pages);
            indexed++;
            RangeTree<Void> others = size.value();
            if (others != null) {
                others.checkInvariants();
                for (long[] e : others.entries()) {
                    if (e[0] <= size.end()) {
                        throw new IllegalStateException("gap index: size " + pages + " lists start " + e[0]
                                + " at or below its lowest " + size.end());
                    }
                    checkSized(e[0], pages);
                    indexed++;
                }
            }
        }
        if (indexed != byAddress.size()) {
            throw new IllegalStateException("gap index: " + byAddress.size() + " gaps by address, " + indexed + " by size");
        }
        RangeTree.Cursor<Void> c = new RangeTree.Cursor<>();
        if (checkedStart >= 0 && (!byAddress.floor(checkedStart, c) || c.key() != checkedStart || c.end() != checkedEnd)) {
            throw new IllegalStateException("gap index: the last checked gap [" + checkedStart + ", " + checkedEnd
                    + ") is not a gap");
        }
    }

    private void checkSized(long startPage, long pages) {
        RangeTree.Cursor<Void> c = new RangeTree.Cursor<>();
        if (!byAddress.floor(startPage, c) || c.key() != startPage || c.end() - startPage != pages) {
            throw new IllegalStateException("gap index: size index lists a gap of " + pages + " pages at " + startPage
                    + " that the address index does not hold");
        }
    }

    static long alignUp(long page, long alignPages) {
        return (page + alignPages - 1) / alignPages * alignPages;
    }

    // ---- internals ----

    /** The in-order visit of {@link #lowestFit} with alignment: stops at a fit or after {@code probes} misses. */
    private static final class AlignedSearch implements RangeTree.EntryVisitor {
        private final long pageCount;
        private final long alignPages;
        int probes;
        long found = -1;

        AlignedSearch(long pageCount, long alignPages, int probes) {
            this.pageCount = pageCount;
            this.alignPages = alignPages;
            this.probes = probes;
        }

        @Override
        public boolean visit(long startPage, long endPage) {
            long s = alignUp(startPage, alignPages);
            if (s + pageCount <= endPage) {
                found = s;
                return false;
            }
            return --probes > 0;
        }
    }

    /**
     * Visits the gaps of at least {@code minPages} pages in (size, start) order until
     * {@code visitor} returns false.
     */
    private void visitBySize(long minPages, RangeTree.EntryVisitor visitor) {
        RangeTree.Cursor<RangeTree<Void>> size = new RangeTree.Cursor<>();
        RangeTree.Cursor<Void> start = new RangeTree.Cursor<>();
        for (boolean ok = bySize.ceiling(minPages, size); ok; ok = size.next()) {
            long lowest = size.end();
            if (!visitor.visit(lowest, lowest + size.key())) {
                return;
            }
            RangeTree<Void> others = size.value();
            for (boolean more = others != null && others.first(start); more; more = start.next()) {
                if (!visitor.visit(start.key(), start.end())) {
                    return;
                }
            }
        }
    }

    private void insertGap(long startPage, long endPage) {
        checkedStart = -1;
        byAddress.put(startPage, endPage, null);
        sizeAdd(startPage, endPage - startPage);
        freePages += endPage - startPage;
    }

    private void removeGap(long startPage, long endPage) {
        checkedStart = -1;
        byAddress.remove(startPage);
        sizeRemove(startPage, endPage - startPage);
        freePages -= endPage - startPage;
    }

    /** The gap {@code [startPage, oldEndPage)} now ends at {@code newEndPage}. */
    private void resizeGap(long startPage, long oldEndPage, long newEndPage) {
        checkedStart = -1;
        byAddress.put(startPage, newEndPage, null);
        sizeRemove(startPage, oldEndPage - startPage);
        sizeAdd(startPage, newEndPage - startPage);
        freePages += newEndPage - oldEndPage;
    }

    /** The gap {@code [oldStartPage, oldEndPage)} becomes {@code [newStartPage, newEndPage)}, passing no other gap. */
    private void moveGap(long oldStartPage, long oldEndPage, long newStartPage, long newEndPage) {
        checkedStart = -1;
        byAddress.rekey(oldStartPage, newStartPage, newEndPage);
        sizeRemove(oldStartPage, oldEndPage - oldStartPage);
        sizeAdd(newStartPage, newEndPage - newStartPage);
        freePages += (newEndPage - newStartPage) - (oldEndPage - oldStartPage);
    }

    private void sizeAdd(long startPage, long pages) {
        RangeTree.Cursor<RangeTree<Void>> c = new RangeTree.Cursor<>();
        if (!bySize.floor(pages, c) || c.key() != pages) {
            bySize.put(pages, startPage, null);
            return;
        }
        long lowest = c.end();
        RangeTree<Void> others = c.value();
        if (others == null) {
            others = new RangeTree<>(RangeTree.Lengths.UNTRACKED);
            bySize.put(pages, lowest, others);
        }
        if (startPage < lowest) {
            others.put(lowest, lowest + pages, null);
            bySize.put(pages, startPage, others);
        } else {
            others.put(startPage, startPage + pages, null);
        }
    }

    private void sizeRemove(long startPage, long pages) {
        RangeTree.Cursor<RangeTree<Void>> c = new RangeTree.Cursor<>();
        if (!bySize.floor(pages, c) || c.key() != pages) {
            throw new IllegalStateException("gap index: no gap of " + pages + " pages in the size index");
        }
        RangeTree<Void> others = c.value();
        if (startPage != c.end()) {
            if (others == null || !others.remove(startPage)) {
                throw new IllegalStateException("gap index: gap at " + startPage + " missing from the size index");
            }
            return;
        }
        RangeTree.Cursor<Void> next = new RangeTree.Cursor<>();
        if (others == null || !others.first(next)) {
            bySize.remove(pages);
            return;
        }
        long promoted = next.key();
        others.remove(promoted);
        bySize.put(pages, promoted, others);
    }
}
