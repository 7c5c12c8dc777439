package dev.linmem.space;

import dev.linmem.util.RangeTree;
import java.util.ArrayList;
import java.util.List;

/**
 * The pure range logic of an address space: the mappings of {@code [basePage, limitPage)} in
 * page numbers, and the gap index of what is free. It never touches memory, so it is tested
 * with plain numbers and page pictures.
 *
 * <h2>Layout</h2>
 * <pre>
 *   basePage                                                         limitPage
 *   |AAAA|..|BBB|bb|....|HHHHH|rrrr|......................................|
 *    A, B: mappings (RangeTree by startPage)  B|b: one mmap, two protections
 *    H: the brk heap's mapping   r: the brk reservation   .: gaps (GapIndex)
 * </pre>
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li>Mappings are non-empty, sorted, disjoint and inside {@code [basePage, limitPage)}.</li>
 *   <li>Merge rule: no two touching mappings have the same id and the same protection (they
 *       would be one VMA). Mappings with different ids never merge, so every mmap stays its own
 *       VMA; pieces of one mmap re-join when their protections become equal again.</li>
 *   <li>The brk reservation {@code [reservedStartPage, reservedEndPage)} (possibly empty) starts
 *       where the heap mapping ends (or at the heap start while the heap is empty) and overlaps
 *       no mapping.</li>
 *   <li>The gaps are exactly the complement of mappings and reservation in
 *       {@code [basePage, limitPage)}; {@code mappedPages} is the sum of mapping lengths.</li>
 * </ol>
 *
 * <h2>Algorithm</h2>
 * <ol>
 *   <li>insert(m): the range must be free; occupy it in the gap index, put m.</li>
 *   <li>carve(s, e): the munmap phase. Split the mapping straddling s and the one straddling e,
 *       remove every mapping inside, release each removed piece into the gap index (which merges
 *       neighbouring gaps).</li>
 *   <li>protect(s, e, prot): split at s and e, rewrite the protection of the pieces inside, then
 *       merge pieces around and inside the range by the merge rule.</li>
 *   <li>countAfterCarve / countAfterProtect: the mapping count an operation would leave, so the
 *       caller validates the map-count limit before mutating.</li>
 * </ol>
 * Every lookup is a {@link RangeTree} floor/ceiling or a gap-index query: O(log n) plus the
 * number of mappings an operation touches; a range is walked along the tree's leaf chain from
 * one lookup, not by a lookup per mapping.
 *
 * <h2>References</h2>
 * Linux mm/vma.c ({@code vma_lookup}, {@code find_vma_intersection}, {@code split_vma},
 * {@code do_vmi_munmap}: gather, then complete); semantics.md 1.0.3 for VMA identity.
 */
final class MappingSet {

    private final long basePage;
    private final long limitPage;
    private final RangeTree<Mapping> byStart = new RangeTree<>(RangeTree.Lengths.UNTRACKED);
    private final GapIndex gaps = new GapIndex();
    private long mappedPages;
    private long reservedStartPage;
    private long reservationCeilingPage;

    MappingSet(long basePage, long limitPage) {
        if (basePage < 0 || limitPage <= basePage) {
            throw new IllegalArgumentException("bad range [" + basePage + ", " + limitPage + ")");
        }
        this.basePage = basePage;
        this.limitPage = limitPage;
        this.reservedStartPage = basePage;
        this.reservationCeilingPage = basePage;
        gaps.add(basePage, limitPage);
    }

    long basePage() {
        return basePage;
    }

    long limitPage() {
        return limitPage;
    }

    GapIndex gaps() {
        return gaps;
    }

    int count() {
        return byStart.size();
    }

    long mappedPages() {
        return mappedPages;
    }

    long reservedStartPage() {
        return reservedStartPage;
    }

    /** End of the brk reservation: the reserved pages are {@code [reservedStartPage, reservedEndPage)}. */
    long reservedEndPage() {
        return Math.max(reservedStartPage, reservationCeilingPage);
    }

    // ---- lookups ----

    /** The mapping containing {@code page}, or null. */
    Mapping mappingAt(long page) {
        Mapping m = byStart.floorValue(page);
        return m != null && m.endPage() > page ? m : null;
    }

    /** The lowest mapping intersecting {@code [startPage, endPage)}, or null. */
    Mapping firstIntersecting(long startPage, long endPage) {
        RangeTree.Cursor<Mapping> c = new RangeTree.Cursor<>();
        return firstIntersecting(startPage, endPage, c) ? c.value() : null;
    }

    /** Places {@code c} on the lowest mapping intersecting {@code [startPage, endPage)}; false when none. */
    private boolean firstIntersecting(long startPage, long endPage, RangeTree.Cursor<Mapping> c) {
        boolean ok = byStart.floor(startPage, c);
        if (ok && c.end() > startPage) {
            return true;
        }
        ok = ok ? c.next() : byStart.first(c);
        return ok && c.key() < endPage;
    }

    /** The lowest mapping starting at or after {@code page}, or null. */
    Mapping nextMappingFrom(long page) {
        return byStart.ceilingValue(page);
    }

    /** The mapping that ends exactly at {@code page}, or null. */
    Mapping mappingEndingAt(long page) {
        Mapping m = byStart.lowerValue(page);
        return m != null && m.endPage() == page ? m : null;
    }

    /** The mappings intersecting {@code [startPage, endPage)}, in address order. */
    List<Mapping> intersecting(long startPage, long endPage) {
        List<Mapping> out = new ArrayList<>(2);
        RangeTree.Cursor<Mapping> c = new RangeTree.Cursor<>();
        for (boolean ok = firstIntersecting(startPage, endPage, c); ok && c.key() < endPage; ok = c.next()) {
            out.add(c.value());
        }
        return out;
    }

    /** True when {@code [startPage, endPage)} is inside one mapping (one VMA). */
    boolean withinOneMapping(long startPage, long endPage) {
        Mapping m = mappingAt(startPage);
        return m != null && endPage <= m.endPage();
    }

    /** True when every page of {@code [startPage, endPage)} is mapped (holes make it false). */
    boolean fullyMapped(long startPage, long endPage) {
        long next = startPage;
        for (Mapping m : intersecting(startPage, endPage)) {
            if (m.startPage() > next) {
                return false;
            }
            next = m.endPage();
        }
        return next >= endPage;
    }

    /** True when no page of {@code [startPage, endPage)} is mapped or reserved. */
    boolean isFree(long startPage, long endPage) {
        return startPage >= basePage && endPage <= limitPage && gaps.isFree(startPage, endPage);
    }

    /** True when {@code [startPage, endPage)} intersects the reservation. */
    boolean intersectsReservation(long startPage, long endPage) {
        return startPage < reservedEndPage() && reservedStartPage < endPage;
    }

    // ---- counting, for validation before mutation ----

    /** The mapping count after {@code carve(startPage, endPage)}. */
    int countAfterCarve(long startPage, long endPage) {
        RangeTree.Cursor<Mapping> c = new RangeTree.Cursor<>();
        boolean ok = firstIntersecting(startPage, endPage, c);
        if (ok && c.key() < startPage && c.end() > endPage) {
            return count() + 1;
        }
        int removed = 0;
        for (; ok && c.key() < endPage; ok = c.next()) {
            if (c.key() >= startPage && c.end() <= endPage) {
                removed++;
            }
        }
        return count() - removed;
    }

    /**
     * The mapping count after carving two disjoint ranges {@code [s1, e1)} and {@code [s2, e2)}
     * (which may cut the same mapping).
     */
    int countAfterCarveBoth(long s1, long e1, long s2, long e2) {
        if (s2 < s1) {
            return countAfterCarveBoth(s2, e2, s1, e1);
        }
        java.util.LinkedHashSet<Mapping> touched = new java.util.LinkedHashSet<>(intersecting(s1, e1));
        touched.addAll(intersecting(s2, e2));
        int count = count();
        for (Mapping m : touched) {
            int pieces = 0;
            long cursor = m.startPage();
            for (long[] cut : new long[][] {{s1, e1}, {s2, e2}}) {
                long cs = Math.max(cut[0], m.startPage());
                long ce = Math.min(cut[1], m.endPage());
                if (cs >= ce) {
                    continue;
                }
                if (cs > cursor) {
                    pieces++;
                }
                cursor = ce;
            }
            if (cursor < m.endPage()) {
                pieces++;
            }
            count += pieces - 1;
        }
        return count;
    }

    /** The mapping count right after the splits of {@code protect} (before merging), as Linux counts. */
    int countAfterProtectSplits(long startPage, long endPage, int prot) {
        int splits = 0;
        Mapping head = mappingAt(startPage);
        if (head != null && head.startPage() < startPage && head.prot() != prot) {
            splits++;
        }
        Mapping tail = mappingAt(endPage);
        if (tail != null && tail.startPage() < endPage && tail.prot() != prot) {
            splits++;
        }
        return count() + splits;
    }

    // ---- mutation ----

    /** Adds {@code m}; its pages must be free (not mapped, not reserved). */
    void insert(Mapping m) {
        if (m.startPage() < basePage || m.endPage() > limitPage) {
            throw new IllegalStateException("insert " + m + " outside [" + basePage + ", " + limitPage + ")");
        }
        try {
            gaps.occupy(m.startPage(), m.endPage());
        } catch (IllegalStateException notFree) {
            throw new IllegalStateException("insert " + m + " over used pages", notFree);
        }
        put(m);
    }

    /**
     * Replaces mapping {@code old} by {@code grown}, which extends it at the end over free pages,
     * then merges it with a following piece of the same mmap and protection.
     */
    void extend(Mapping old, Mapping grown) {
        RangeTree.Cursor<Mapping> c = new RangeTree.Cursor<>();
        if (old.startPage() != grown.startPage() || grown.endPage() <= old.endPage()
                || !byStart.floor(old.startPage(), c) || c.value() != old) {
            throw new IllegalStateException("extend " + old + " to " + grown);
        }
        gaps.occupy(old.endPage(), grown.endPage());
        mappedPages += grown.endPage() - old.endPage();
        byStart.set(c, grown.endPage(), grown);
        mergeFrom(grown.endPage(), grown.endPage()); // a piece of the same mmap may follow
    }

    /** Removes every mapped page of {@code [startPage, endPage)}, splitting mappings at the edges. */
    void carve(long startPage, long endPage) {
        for (Mapping m : intersecting(startPage, endPage)) {
            long cutStart = Math.max(m.startPage(), startPage);
            long cutEnd = Math.min(m.endPage(), endPage);
            if (m.startPage() < cutStart) {
                Mapping head = m.withRange(m.startPage(), cutStart);
                byStart.put(head.startPage(), head.endPage(), head); // replaces m under the same key
                mappedPages -= m.endPage() - cutStart;
            } else {
                remove(m);
            }
            if (cutEnd < m.endPage()) {
                put(m.withRange(cutEnd, m.endPage()));
            }
            gaps.release(cutStart, cutEnd);
        }
    }

    /** Sets the protection of every mapped page of {@code [startPage, endPage)}, splitting and merging. */
    void protect(long startPage, long endPage, int prot) {
        for (Mapping m : intersecting(startPage, endPage)) {
            if (m.prot() == prot) {
                continue;
            }
            remove(m);
            long s = Math.max(m.startPage(), startPage);
            long e = Math.min(m.endPage(), endPage);
            if (m.startPage() < s) {
                put(m.withRange(m.startPage(), s));
            }
            put(new Mapping(s, e, prot, m.id(), m.inPlaceGrowths(), m.reallocStep()));
            if (e < m.endPage()) {
                put(m.withRange(e, m.endPage()));
            }
        }
        mergeFrom(startPage, endPage);
    }

    /** Replaces mapping {@code m} (present) by {@code replacement} over the same pages. */
    void replace(Mapping m, Mapping replacement) {
        RangeTree.Cursor<Mapping> c = new RangeTree.Cursor<>();
        if (m.startPage() != replacement.startPage() || m.endPage() != replacement.endPage()
                || !byStart.floor(m.startPage(), c) || c.value() != m) {
            throw new IllegalStateException("replace " + m + " by " + replacement);
        }
        byStart.set(c, m.endPage(), replacement);
    }

    /**
     * Sets up the brk area: the heap starts (empty) at {@code heapStartPage} and the pages
     * {@code [heapStartPage, ceilingPage)} are reserved for it; they must be free.
     */
    void reserveHeapArea(long heapStartPage, long ceilingPage) {
        if (reservedEndPage() > reservedStartPage || ceilingPage < heapStartPage) {
            throw new IllegalStateException("bad or second heap reservation");
        }
        if (ceilingPage > heapStartPage) {
            gaps.occupy(heapStartPage, ceilingPage);
        }
        reservedStartPage = heapStartPage;
        reservationCeilingPage = ceilingPage;
    }

    /**
     * True when the heap, now ending at {@code heapEndPage}, can grow to {@code newEndPage}: the
     * pages beyond the reservation are free and below the limit.
     */
    boolean heapCanGrow(long heapEndPage, long newEndPage) {
        long from = Math.max(heapEndPage, reservedEndPage());
        return newEndPage <= limitPage && (from >= newEndPage || isFree(from, newEndPage));
    }

    /**
     * Resizes the heap mapping {@code [heapStartPage, oldEndPage)} to end at {@code newEndPage}:
     * growth takes reserved pages first, then free ones; shrinking returns pages below the
     * reservation ceiling to the reservation and frees the rest.
     */
    void resizeHeap(long heapStartPage, long oldEndPage, long newEndPage, int prot) {
        if (newEndPage == oldEndPage) {
            return;
        }
        if (oldEndPage > heapStartPage) {
            Mapping old = byStart.get(heapStartPage);
            if (old == null || !old.isHeap() || old.endPage() != oldEndPage) {
                throw new IllegalStateException("no heap mapping [" + heapStartPage + ", " + oldEndPage + ")");
            }
            remove(old);
        }
        if (newEndPage > oldEndPage) {
            long from = Math.max(oldEndPage, reservedEndPage());
            if (from < newEndPage) {
                gaps.occupy(from, newEndPage);
            }
        } else {
            long from = Math.max(newEndPage, reservationCeilingPage);
            if (from < oldEndPage) {
                gaps.release(from, oldEndPage);
            }
        }
        reservedStartPage = newEndPage;
        if (newEndPage > heapStartPage) {
            put(new Mapping(heapStartPage, newEndPage, prot, Mapping.HEAP_ID, 0));
        }
    }

    /** Gives the reserved pages at and above {@code fromPage} back to the gaps. */
    void releaseReservationFrom(long fromPage) {
        long s = Math.max(fromPage, reservedStartPage);
        long e = reservedEndPage();
        if (s < e) {
            gaps.release(s, e);
            reservationCeilingPage = s;
        }
    }

    // ---- listing and invariants ----

    /** Every mapping, in address order. */
    List<Mapping> all() {
        return byStart.values();
    }

    /** Checks the invariants listed in the class notes. */
    void checkInvariants() {
        gaps.checkInvariants();
        byStart.checkInvariants();
        long sum = 0;
        long cursor = basePage;
        Mapping prev = null;
        List<GapIndex.Gap> gapList = gaps.inOrder();
        int gi = 0;
        List<long[]> used = new ArrayList<>();
        RangeTree.Cursor<Mapping> c = new RangeTree.Cursor<>();
        for (boolean ok = byStart.first(c); ok; ok = c.next()) {
            Mapping m = c.value();
            if (m == null || c.key() != m.startPage() || c.end() != m.endPage()) {
                throw new IllegalStateException("mapping " + m + " filed under the wrong range [" + c.key() + ", " + c.end() + ")");
            }
            if (m.startPage() < basePage || m.endPage() > limitPage) {
                throw new IllegalStateException("mapping " + m + " outside [" + basePage + ", " + limitPage + ")");
            }
            if (prev != null && prev.endPage() > m.startPage()) {
                throw new IllegalStateException("mappings " + prev + " and " + m + " overlap");
            }
            if (prev != null && prev.mergesWith(m)) {
                throw new IllegalStateException("mappings " + prev + " and " + m + " should have merged");
            }
            if (intersectsReservation(m.startPage(), m.endPage())) {
                throw new IllegalStateException("mapping " + m + " overlaps the reservation");
            }
            sum += m.pageCount();
            used.add(new long[] {m.startPage(), m.endPage()});
            prev = m;
        }
        if (sum != mappedPages) {
            throw new IllegalStateException("mapped pages " + mappedPages + " but mappings sum to " + sum);
        }
        if (reservedEndPage() > reservedStartPage) {
            used.add(new long[] {reservedStartPage, reservedEndPage()});
            used.sort((a, b) -> Long.compare(a[0], b[0]));
        }
        for (long[] u : used) {
            if (u[0] > cursor) {
                checkGap(gapList, gi++, cursor, u[0]);
            }
            cursor = u[1];
        }
        if (cursor < limitPage) {
            checkGap(gapList, gi++, cursor, limitPage);
        }
        if (gi != gapList.size()) {
            throw new IllegalStateException("gap index has " + gapList.size() + " gaps, mappings leave " + gi);
        }
    }

    private static void checkGap(List<GapIndex.Gap> gapList, int index, long startPage, long endPage) {
        if (index >= gapList.size() || gapList.get(index).startPage != startPage
                || gapList.get(index).endPage != endPage) {
            throw new IllegalStateException("gap index does not hold the gap [" + startPage + ", " + endPage
                    + ") left by the mappings; it holds " + (index < gapList.size() ? gapList.get(index) : "nothing"));
        }
    }

    // ---- internals ----

    private void put(Mapping m) {
        byStart.put(m.startPage(), m.endPage(), m);
        mappedPages += m.pageCount();
    }

    /** Removes {@code m}, which the caller has just read from the set. */
    private void remove(Mapping m) {
        if (!byStart.remove(m.startPage())) {
            throw new IllegalStateException("mapping " + m + " is not in the set");
        }
        mappedPages -= m.pageCount();
    }

    /** Merges touching mappings by the merge rule, from the one before startPage to the one at endPage. */
    private void mergeFrom(long startPage, long endPage) {
        RangeTree.Cursor<Mapping> c = new RangeTree.Cursor<>();
        boolean ok = byStart.lower(startPage, c) || byStart.ceiling(startPage, c);
        while (ok && c.key() <= endPage) {
            Mapping m = c.value();
            if (!c.next()) {
                return;
            }
            Mapping next = c.value();
            if (m.mergesWith(next)) {
                remove(next);
                Mapping merged = m.withRange(m.startPage(), next.endPage());
                byStart.put(merged.startPage(), merged.endPage(), merged);
                mappedPages += next.pageCount();
                ok = byStart.floor(merged.startPage(), c); // the cursor is stale after the change
            }
        }
    }
}
