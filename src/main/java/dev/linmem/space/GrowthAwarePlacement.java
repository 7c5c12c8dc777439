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
 *       grow for it). But if the grower is the <em>latest realloc</em> (see below) and the top
 *       of the gap would leave it less than its room (step 3), skip the gap: take the next fit
 *       above it and apply these steps to that one.</li>
 *   <li>Otherwise the fit is in the gap that runs past the memory's end, so the new mapping
 *       grows the memory. Leave <em>room</em> free behind the grower and place after it:
 *       <ul>
 *         <li>behind a <em>realloc</em> (a grower whose latest growth was an mremap with
 *             {@code MREMAP_MAYMOVE}), room for {@value #REALLOC_ROOM_STEPS} more steps the
 *             size of that growth, but at most 1/{@value #REALLOC_ROOM_MEMORY_DIVISOR} of the
 *             memory;</li>
 *         <li>behind any other grower, {@code min(grower size, maxHeadroomBytes)}, none by
 *             default.</li>
 *       </ul>
 *       The room becomes a hole once something lies beyond it. The room of the latest
 *       realloc (the one whose MAYMOVE growth came last) stays free (step 2); any other room
 *       is taken by later mappings that fit there from its top end, so the grower keeps its
 *       low end longest and the room costs memory only while nothing else needs it.</li>
 * </ol>
 * When the memory cannot grow for the chosen place, the address space asks again with every
 * gap cut at the memory's end; step 2 then finds no fit above and takes the top of the latest
 * realloc's room after all. An aligned request ({@code alignPages > 1}, PHP's chunks) whose
 * lowest aligned start lies inside a room does not start at a grower's end and is placed there:
 * the steps above look only at fits that start right behind a grower.
 *
 * <h2>Why the two kinds of grower differ</h2>
 * Linux places new mappings top-down, so a block that mremap moves lands just below its old
 * place, and the old place, freed by the move, is room to grow into: a realloc chain on Linux
 * moves about once per doubling and grows in place in between. A wasm memory grows only upward,
 * in the direction new mappings are placed, so a realloc at the top of memory is hemmed in by
 * the next mapping unless room is left. The room is measured in the realloc's own steps, not
 * its size, so it follows the program's rate: a geometric realloc (CPython grows its buffers by
 * about 1/8 each time) gets room for about twice its size, a large block growing by small
 * linear steps gets little. The cap of 1/12 of the memory bounds what an unused room costs.
 * Only the latest realloc's room is protected: a program is usually growing one buffer at a
 * time (CPython's interleaves one growing buffer with new 1 MiB arenas, which would otherwise
 * fill its room), and protecting every realloc's room cost up to 28% more peak memory on
 * recordings of programs that grow several buffers in turn (Perl, C), against at most 4% (Perl)
 * for the latest one alone (docs/placement.md, with the settings tried).
 * Growers that grow with plain {@code mremap(..., 0)} or a hinted mmap (PHP's huge blocks)
 * have their own fallback when growth fails (allocate, copy, free); room behind them was
 * measured to cost 3 to 14% more peak memory on PHP's recordings for a handful of growths, so
 * it is off by default.
 *
 * <p>Cost: a few gap-index queries and mapping lookups, O(log n); skipping the latest realloc's
 * room adds one gap query per gap above it too narrow for the alignment (usually none).
 */
final class GrowthAwarePlacement implements PlacementPolicy {

    /** Room behind a realloc, in multiples of its latest growth step. */
    static final int REALLOC_ROOM_STEPS = 16;

    /** The room behind a realloc is at most the memory's size (above the base) divided by this. */
    static final int REALLOC_ROOM_MEMORY_DIVISOR = 12;

    /** The most headroom left behind any grower at the top of memory, in bytes. */
    private final long maxHeadroomBytes;

    /** Whether reallocs get their room. */
    private final boolean reallocRoom;

    GrowthAwarePlacement(long maxHeadroomBytes, boolean reallocRoom) {
        if (maxHeadroomBytes < 0) {
            throw new IllegalArgumentException("headroom must not be negative: " + maxHeadroomBytes);
        }
        this.maxHeadroomBytes = maxHeadroomBytes;
        this.reallocRoom = reallocRoom;
    }

    @Override
    public String name() {
        String base = maxHeadroomBytes == 0 ? "growth-aware" : "growth-aware(headroom " + (maxHeadroomBytes >> 10) + " KiB)";
        return reallocRoom ? base : base + " without realloc room";
    }

    @Override
    public long place(PlacementContext ctx, long pageCount, long alignPages) {
        long fit = ctx.lowestFit(pageCount, alignPages);
        while (fit >= 0 && ctx.inPlaceGrowthsOfMappingEndingAt(fit) > 0) {
            PageRange gap = ctx.gapContaining(fit);
            if (gap.endPage() > ctx.memoryEndPage()) {
                long s = GapIndex.alignUp(fit + room(ctx, fit), alignPages);
                return s + pageCount <= gap.endPage() ? s : fit;
            }
            long top = Math.max(fit, (gap.endPage() - pageCount) / alignPages * alignPages);
            if (!ctx.latestReallocEndsAt(fit) || top - fit >= reallocRoom(ctx, fit)) {
                return top;
            }
            long next = nextFitAbove(ctx, gap.endPage(), pageCount, alignPages);
            if (next < 0) {
                return top;
            }
            fit = next;
        }
        return fit;
    }

    /** The lowest aligned start of {@code pageCount} free pages in a gap at or above {@code fromPage}, or -1. */
    private static long nextFitAbove(PlacementContext ctx, long fromPage, long pageCount, long alignPages) {
        for (PageRange gap = ctx.lowestGapFrom(pageCount, fromPage); gap != null;
                gap = ctx.lowestGapFrom(pageCount, gap.endPage())) {
            long start = GapIndex.alignUp(gap.startPage(), alignPages);
            if (start + pageCount <= gap.endPage()) {
                return start;
            }
        }
        return -1;
    }

    /** Pages to leave free behind the grower ending at {@code page}, at the top of memory. */
    private long room(PlacementContext ctx, long page) {
        long headroom = Math.min(ctx.pagesOfMappingEndingAt(page), maxHeadroomBytes / ctx.pageSizeBytes());
        return Math.max(headroom, reallocRoom(ctx, page));
    }

    /** The room a realloc ending at {@code page} keeps, or 0 when no realloc ends there. */
    private long reallocRoom(PlacementContext ctx, long page) {
        long step = reallocRoom ? ctx.reallocStepOfMappingEndingAt(page) : 0;
        if (step == 0) {
            return 0;
        }
        long memoryPages = ctx.memoryEndPage() - ctx.basePage();
        return Math.min(REALLOC_ROOM_STEPS * step, memoryPages / REALLOC_ROOM_MEMORY_DIVISOR);
    }

}
