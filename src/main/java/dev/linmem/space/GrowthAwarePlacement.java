package dev.linmem.space;

/**
 * Growth-aware placement: first fit, except that a new mapping does not go right behind a
 * mapping that grows in place (a <em>grower</em>: it grew by mremap, by an mmap hinted at its
 * end, or by moving), because its next growth would then fail and fall back to a copy.
 *
 * <h2>Algorithm</h2>
 * <ol>
 *   <li>Take the lowest fit. If no grower ends where it starts, use it.</li>
 *   <li>If that gap ends inside the memory, place at the top of the gap instead, leaving its
 *       low end as room for the grower (the mapping still uses a hole, so the memory does not
 *       grow for it).</li>
 *   <li>Otherwise the fit is in the gap that runs past the memory's end: leave
 *       {@code min(grower pages, maxHeadroomBytes)} free behind the grower and place after that.
 *       The default leaves none: measured on the shared recordings, headroom at the top costs
 *       more peak memory than the copies it saves (docs/placement.md).</li>
 * </ol>
 * Cost: two gap-index queries and two mapping lookups, O(log n).
 */
final class GrowthAwarePlacement implements PlacementPolicy {

    /** The most headroom left behind a grower at the top of memory, in bytes. */
    private final long maxHeadroomBytes;

    GrowthAwarePlacement(long maxHeadroomBytes) {
        if (maxHeadroomBytes < 0) {
            throw new IllegalArgumentException("headroom must not be negative: " + maxHeadroomBytes);
        }
        this.maxHeadroomBytes = maxHeadroomBytes;
    }

    @Override
    public String name() {
        return maxHeadroomBytes == 0 ? "growth-aware" : "growth-aware(headroom " + (maxHeadroomBytes >> 10) + " KiB)";
    }

    @Override
    public long place(PlacementContext ctx, long pageCount, long alignPages) {
        long first = ctx.lowestFit(pageCount, alignPages);
        if (first < 0 || ctx.inPlaceGrowthsOfMappingEndingAt(first) <= 0) {
            return first;
        }
        PageRange gap = ctx.gapContaining(first);
        if (gap.endPage() <= ctx.memoryEndPage()) {
            long top = (gap.endPage() - pageCount) / alignPages * alignPages;
            return Math.max(top, first);
        }
        long headroom = Math.min(ctx.pagesOfMappingEndingAt(first), maxHeadroomBytes / ctx.pageSizeBytes());
        long s = GapIndex.alignUp(first + headroom, alignPages);
        return s + pageCount <= gap.endPage() ? s : first;
    }
}
