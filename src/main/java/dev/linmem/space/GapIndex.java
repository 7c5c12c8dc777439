package dev.linmem.space;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The free ranges (gaps) of an address space, indexed by address and by size so that every
 * placement query is logarithmic.
 *
 * <h2>Layout</h2>
 * <pre>
 *   by address: a treap keyed by startPage; each node also holds maxPages, the longest gap in
 *               its subtree, so "lowest gap of at least n pages" descends one path.
 *   by size:    a TreeSet ordered by (pageCount, startPage), so "smallest gap of at least
 *               n pages" is one ceiling() call.
 *
 *   pages:  0    4         10   13      20
 *           |....|#########|....|#######|......   gaps [0,4) [10,13) [20,limit); # mapped
 * </pre>
 * A gap node is immutable in its range; changing a gap removes the node and inserts a new one.
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li>Gaps are non-empty, disjoint and never touch (two touching gaps are one gap).</li>
 *   <li>The treap is a binary search tree by startPage and a heap by priority.</li>
 *   <li>Each node's maxPages is the maximum pageCount in its subtree.</li>
 *   <li>The size set holds exactly the nodes of the treap.</li>
 * </ol>
 *
 * <h2>Algorithm</h2>
 * <ol>
 *   <li>occupy(s, e): find the gap containing s (floor by address), check it covers e, replace it
 *       by its remainders before s and after e.</li>
 *   <li>release(s, e): the range must touch no gap inside; merge with the gap ending at s and the
 *       gap starting at e, insert the union.</li>
 *   <li>lowestFit(n, a): descend the treap in address order, pruning subtrees whose maxPages is
 *       below n; the first gap where an a-aligned run of n pages fits wins. Gaps that are long
 *       enough but fail only by alignment are examined at most {@link #ALIGNED_PROBES} times,
 *       then the search asks for n + a - 1 pages, which always fit aligned (so the result may
 *       be a little above the lowest); only when no such gap exists are all gaps examined,
 *       so a fit is never missed.</li>
 *   <li>smallestFit(n, a): ceiling of (n, 0) in the size set, the same probe bound for
 *       alignment, then ceiling of (n + a - 1, 0).</li>
 * </ol>
 *
 * <h2>References</h2>
 * Linux keeps {@code rb_subtree_gap} in the VMA tree (mm/mmap.c, before the maple tree) for the
 * same descent; the treap is Seidel and Aragon's randomized search tree.
 */
final class GapIndex {

    /** How many long-enough gaps an aligned search examines before asking for a guaranteed fit. */
    static final int ALIGNED_PROBES = 16;

    /** One gap: a node of the treap and an element of the size set. */
    static final class Gap {
        final long startPage;
        final long endPage;
        final int priority;
        Gap left;
        Gap right;
        long maxPages;

        Gap(long startPage, long endPage, int priority) {
            this.startPage = startPage;
            this.endPage = endPage;
            this.priority = priority;
            this.maxPages = endPage - startPage;
        }

        long pageCount() {
            return endPage - startPage;
        }

        @Override
        public String toString() {
            return "[" + startPage + ", " + endPage + ")";
        }
    }

    private static final Comparator<Gap> BY_SIZE =
            Comparator.comparingLong(Gap::pageCount).thenComparingLong(g -> g.startPage);

    private final TreeSet<Gap> bySize = new TreeSet<>(BY_SIZE);
    private final SplittableRandom priorities = new SplittableRandom(0x5eed);
    private Gap root;
    private long freePages;

    /** Number of gaps. */
    int size() {
        return bySize.size();
    }

    /** Total pages in all gaps. */
    long freePages() {
        return freePages;
    }

    /** The gap containing {@code page}, or null. */
    Gap gapContaining(long page) {
        Gap g = floor(page);
        return g != null && page < g.endPage ? g : null;
    }

    /** The gap with the highest start at or below {@code page}, or null. */
    Gap floor(long page) {
        Gap n = root;
        Gap best = null;
        while (n != null) {
            if (n.startPage <= page) {
                best = n;
                n = n.right;
            } else {
                n = n.left;
            }
        }
        return best;
    }

    /** The gap with the lowest start at or above {@code page}, or null. */
    Gap ceiling(long page) {
        Gap n = root;
        Gap best = null;
        while (n != null) {
            if (n.startPage >= page) {
                best = n;
                n = n.left;
            } else {
                n = n.right;
            }
        }
        return best;
    }

    /** The gap with the highest start, or null when there is none. */
    Gap last() {
        Gap n = root;
        while (n != null && n.right != null) {
            n = n.right;
        }
        return n;
    }

    /** True when every page of {@code [startPage, endPage)} is free. */
    boolean isFree(long startPage, long endPage) {
        Gap g = gapContaining(startPage);
        return g != null && endPage <= g.endPage;
    }

    /** Adds a gap; it must not overlap or touch an existing one. Used to set up the index. */
    void add(long startPage, long endPage) {
        insert(new Gap(startPage, endPage, priorities.nextInt()));
    }

    /** Marks {@code [startPage, endPage)} used; it must lie inside one gap. */
    void occupy(long startPage, long endPage) {
        Gap g = gapContaining(startPage);
        if (g == null || endPage > g.endPage || endPage <= startPage) {
            throw new IllegalStateException("occupy [" + startPage + ", " + endPage + ") is not inside a gap");
        }
        remove(g);
        if (g.startPage < startPage) {
            insert(new Gap(g.startPage, startPage, priorities.nextInt()));
        }
        if (endPage < g.endPage) {
            insert(new Gap(endPage, g.endPage, priorities.nextInt()));
        }
    }

    /** Marks {@code [startPage, endPage)} free; no page of it may be free already. */
    void release(long startPage, long endPage) {
        if (endPage <= startPage) {
            throw new IllegalStateException("release of empty range [" + startPage + ", " + endPage + ")");
        }
        Gap before = floor(endPage - 1);
        if (before != null && before.endPage > startPage) {
            throw new IllegalStateException("release [" + startPage + ", " + endPage + ") overlaps gap " + before);
        }
        long s = startPage;
        long e = endPage;
        if (before != null && before.endPage == startPage) {
            s = before.startPage;
            remove(before);
        }
        Gap after = gapContaining(endPage);
        if (after != null && after.startPage == endPage) {
            e = after.endPage;
            remove(after);
        }
        insert(new Gap(s, e, priorities.nextInt()));
    }

    /**
     * The lowest start page of an {@code alignPages}-aligned run of {@code pageCount} free pages
     * (nearly lowest when alignment forces the bounded fallback, see the class notes), or -1.
     */
    long lowestFit(long pageCount, long alignPages) {
        if (alignPages <= 1) {
            Gap g = lowestWithAtLeast(root, pageCount);
            return g == null ? -1 : g.startPage;
        }
        int[] probes = {ALIGNED_PROBES};
        long found = lowestAligned(root, pageCount, alignPages, probes);
        if (found >= 0 || probes[0] > 0) {
            return found;
        }
        Gap g = lowestWithAtLeast(root, pageCount + alignPages - 1);
        if (g != null) {
            return alignUp(g.startPage, alignPages);
        }
        return lowestAligned(root, pageCount, alignPages, new int[] {Integer.MAX_VALUE});
    }

    /**
     * The start page of an {@code alignPages}-aligned run of {@code pageCount} pages in the
     * smallest gap that holds one (with the same bounded alignment probing), or -1.
     */
    long smallestFit(long pageCount, long alignPages) {
        int probes = ALIGNED_PROBES;
        for (Gap g = bySize.ceiling(probe(pageCount)); g != null && probes > 0; g = bySize.higher(g), probes--) {
            long s = alignUp(g.startPage, Math.max(1, alignPages));
            if (s + pageCount <= g.endPage) {
                return s;
            }
        }
        Gap g = bySize.ceiling(probe(pageCount + Math.max(1, alignPages) - 1));
        if (g != null) {
            return alignUp(g.startPage, Math.max(1, alignPages));
        }
        // Rare: only gaps that fit by their alignment remain; examine them all.
        return lowestFit(pageCount, alignPages);
    }

    /** The smallest gap of at least {@code pageCount} pages, or null. */
    Gap smallestWithAtLeast(long pageCount) {
        return bySize.ceiling(probe(pageCount));
    }

    /** The lowest gap of at least {@code pageCount} pages starting at or above {@code fromPage}, or null. */
    Gap lowestWithAtLeastFrom(long pageCount, long fromPage) {
        return lowestFrom(root, pageCount, fromPage);
    }

    /** The longest gap starting below {@code page}: 0 when there is none. */
    long maxPagesBelow(long page) {
        long best = 0;
        Gap n = root;
        while (n != null) {
            if (n.startPage < page) {
                best = Math.max(best, Math.max(n.pageCount(), maxOf(n.left)));
                n = n.right;
            } else {
                n = n.left;
            }
        }
        return best;
    }

    /** All gaps in address order (for listings and invariant checks). */
    List<Gap> inOrder() {
        List<Gap> out = new ArrayList<>(size());
        collect(root, out);
        return out;
    }

    /** Checks the invariants listed in the class notes. */
    void checkInvariants() {
        List<Gap> all = inOrder();
        if (all.size() != bySize.size()) {
            throw new IllegalStateException("gap index: treap has " + all.size() + " gaps, size set " + bySize.size());
        }
        long total = 0;
        Gap prev = null;
        for (Gap g : all) {
            if (g.endPage <= g.startPage) {
                throw new IllegalStateException("gap index: empty gap " + g);
            }
            if (prev != null && prev.endPage >= g.startPage) {
                throw new IllegalStateException("gap index: gaps " + prev + " and " + g + " overlap or touch");
            }
            if (!bySize.contains(g)) {
                throw new IllegalStateException("gap index: " + g + " missing from the size set");
            }
            total += g.pageCount();
            prev = g;
        }
        if (total != freePages) {
            throw new IllegalStateException("gap index: free pages " + freePages + " but gaps sum to " + total);
        }
        checkNode(root, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    private long checkNode(Gap n, long lo, long hi) {
        if (n == null) {
            return 0;
        }
        if (n.startPage < lo || n.startPage > hi) {
            throw new IllegalStateException("gap index: treap order broken at " + n);
        }
        if ((n.left != null && n.left.priority > n.priority) || (n.right != null && n.right.priority > n.priority)) {
            throw new IllegalStateException("gap index: treap heap order broken at " + n);
        }
        long max = Math.max(n.pageCount(), Math.max(checkNode(n.left, lo, n.startPage - 1), checkNode(n.right, n.startPage + 1, hi)));
        if (max != n.maxPages) {
            throw new IllegalStateException("gap index: maxPages of " + n + " is " + n.maxPages + ", expected " + max);
        }
        return max;
    }

    // ---- treap internals ----

    private static Gap probe(long pageCount) {
        return new Gap(0, pageCount, 0);
    }

    static long alignUp(long page, long alignPages) {
        return (page + alignPages - 1) / alignPages * alignPages;
    }

    private static long maxOf(Gap n) {
        return n == null ? 0 : n.maxPages;
    }

    private static void update(Gap n) {
        n.maxPages = Math.max(n.pageCount(), Math.max(maxOf(n.left), maxOf(n.right)));
    }

    private static Gap lowestWithAtLeast(Gap n, long pageCount) {
        while (n != null && n.maxPages >= pageCount) {
            if (maxOf(n.left) >= pageCount) {
                n = n.left;
            } else if (n.pageCount() >= pageCount) {
                return n;
            } else {
                n = n.right;
            }
        }
        return null;
    }

    private static Gap lowestFrom(Gap n, long pageCount, long fromPage) {
        if (n == null || n.maxPages < pageCount) {
            return null;
        }
        if (n.startPage >= fromPage) {
            Gap l = lowestFrom(n.left, pageCount, fromPage);
            if (l != null) {
                return l;
            }
            if (n.pageCount() >= pageCount) {
                return n;
            }
        }
        return lowestFrom(n.right, pageCount, fromPage);
    }

    private static long lowestAligned(Gap n, long pageCount, long alignPages, int[] probes) {
        if (n == null || n.maxPages < pageCount || probes[0] <= 0) {
            return -1;
        }
        long l = lowestAligned(n.left, pageCount, alignPages, probes);
        if (l >= 0 || probes[0] <= 0) {
            return l;
        }
        if (n.pageCount() >= pageCount) {
            long s = alignUp(n.startPage, alignPages);
            if (s + pageCount <= n.endPage) {
                return s;
            }
            probes[0]--;
        }
        return lowestAligned(n.right, pageCount, alignPages, probes);
    }

    private static void collect(Gap n, List<Gap> out) {
        if (n != null) {
            collect(n.left, out);
            out.add(n);
            collect(n.right, out);
        }
    }

    private void insert(Gap g) {
        root = insert(root, g);
        bySize.add(g);
        freePages += g.pageCount();
    }

    private void remove(Gap g) {
        root = remove(root, g.startPage);
        bySize.remove(g);
        freePages -= g.pageCount();
    }

    private static Gap insert(Gap n, Gap g) {
        if (n == null) {
            return g;
        }
        if (g.priority > n.priority) {
            Gap[] parts = split(n, g.startPage);
            g.left = parts[0];
            g.right = parts[1];
            update(g);
            return g;
        }
        if (g.startPage < n.startPage) {
            n.left = insert(n.left, g);
        } else {
            n.right = insert(n.right, g);
        }
        update(n);
        return n;
    }

    /** Splits into (start below key, start at or above key). */
    private static Gap[] split(Gap n, long key) {
        if (n == null) {
            return new Gap[2];
        }
        if (n.startPage < key) {
            Gap[] parts = split(n.right, key);
            n.right = parts[0];
            update(n);
            parts[0] = n;
            return parts;
        }
        Gap[] parts = split(n.left, key);
        n.left = parts[1];
        update(n);
        parts[1] = n;
        return parts;
    }

    private static Gap merge(Gap a, Gap b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        if (a.priority > b.priority) {
            a.right = merge(a.right, b);
            update(a);
            return a;
        }
        b.left = merge(a, b.left);
        update(b);
        return b;
    }

    private static Gap remove(Gap n, long startPage) {
        if (n == null) {
            throw new IllegalStateException("gap index: no gap at " + startPage);
        }
        if (n.startPage == startPage) {
            Gap m = merge(n.left, n.right);
            n.left = null;
            n.right = null;
            return m;
        }
        if (startPage < n.startPage) {
            n.left = remove(n.left, startPage);
        } else {
            n.right = remove(n.right, startPage);
        }
        update(n);
        return n;
    }
}
