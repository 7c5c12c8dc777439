package dev.linmem.space;

/**
 * Growth-aware placement: first fit, except that it does not put a new mapping right behind a
 * mapping that grows in place (a <em>grower</em>), because the next growth would then fail and
 * fall back to a copy.
 *
 * <h2>Algorithm</h2>
 * <ol>
 *   <li>Take the lowest fit. If no grower ends where it starts, use it.</li>
 *   <li>Otherwise probe the next gaps in address order (at most {@link #PROBES}) for one that
 *       fits inside the current memory and does not start behind a grower; use the first.</li>
 *   <li>Otherwise, if the lowest fit's gap ends inside the memory, place at the top of that gap,
 *       leaving its low end as room for the grower.</li>
 *   <li>Otherwise the fit is in the gap that runs past the memory's end: leave
 *       {@code headroom = min(grower pages, MAX_HEADROOM_PAGES-equivalent)} pages behind the grower
 *       so it can keep growing, and place after them.</li>
 * </ol>
 */
final class GrowthAwarePlacement implements PlacementPolicy {

    /** How many further gaps are examined before giving up on avoiding a grower. */
    static final int PROBES = 8;

    @Override
    public String name() {
        return "growth-aware";
    }

    @Override
    public long place(PlacementContext ctx, long pageCount, long alignPages) {
        long first = ctx.lowestFit(pageCount, alignPages);
        if (first < 0 || ctx.inPlaceGrowthsOfMappingEndingAt(first) <= 0) {
            return first;
        }
        PageRange gap = ctx.gapContaining(first);
        long from = gap.endPage() + 1;
        for (int i = 0; i < PROBES; i++) {
            PageRange next = ctx.lowestGapFrom(pageCount, from);
            if (next == null || next.startPage() >= ctx.memoryEndPage()) {
                break;
            }
            long s = GapIndex.alignUp(next.startPage(), alignPages);
            if (s + pageCount <= next.endPage() && s + pageCount <= ctx.memoryEndPage()
                    && (s != next.startPage() || ctx.inPlaceGrowthsOfMappingEndingAt(s) <= 0)) {
                return s;
            }
            from = next.endPage() + 1;
        }
        if (gap.endPage() <= ctx.memoryEndPage()) {
            long top = (gap.endPage() - pageCount) / alignPages * alignPages;
            return top >= first ? top : first;
        }
        long headroom = ctx.pagesOfMappingEndingAt(first);
        long s = GapIndex.alignUp(first + headroom, alignPages);
        return s + pageCount <= gap.endPage() ? s : first;
    }
}
