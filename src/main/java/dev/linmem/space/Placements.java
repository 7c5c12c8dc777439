package dev.linmem.space;

/**
 * The shipped placement policies. Each is a few lines over {@link PlacementContext} queries, so
 * each places in O(log n) (plus a bounded number of probes for the growth-aware one).
 */
final class Placements {

    private Placements() {
    }

    /** Lowest address that fits. */
    static final PlacementPolicy FIRST_FIT = new PlacementPolicy() {
        @Override
        public String name() {
            return "first-fit";
        }

        @Override
        public long place(PlacementContext context, long pageCount, long alignPages) {
            return context.lowestFit(pageCount, alignPages);
        }
    };

    /** Smallest gap that fits; the gap running to the limit is the largest, so it is used last. */
    static final PlacementPolicy BEST_FIT = new PlacementPolicy() {
        @Override
        public String name() {
            return "best-fit";
        }

        @Override
        public long place(PlacementContext context, long pageCount, long alignPages) {
            return context.smallestFit(pageCount, alignPages);
        }
    };

    static final PlacementPolicy GROWTH_AWARE = new GrowthAwarePlacement(0, true);
}
