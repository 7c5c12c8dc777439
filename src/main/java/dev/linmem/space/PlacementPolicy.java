package dev.linmem.space;

/**
 * Chooses where a new mapping goes. Placement decides the linear memory's high-water mark (wasm
 * memory never shrinks) and whether mappings can later grow in place, so it is pluggable.
 *
 * <p>A policy is called with the address space's lock held; it must only query the context and
 * return a start page whose {@code pageCount} pages are free (an aligned start when
 * {@code alignPages > 1}), or -1 when it finds none. The address space grows the memory when the
 * chosen range ends beyond {@link PlacementContext#memoryEndPage()}. Policies are stateless
 * or keep only their own statistics, and are safe to share between address spaces.
 *
 * <p>Measurements and the reasoning behind the default are in docs/placement.md.
 */
public interface PlacementPolicy {

    /** A short name for reports ("first-fit", ...). */
    String name();

    /**
     * The start page for a new mapping of {@code pageCount} pages aligned to {@code alignPages}
     * (a power of two, 1 for none), or -1.
     */
    long place(PlacementContext context, long pageCount, long alignPages);

    /**
     * The start page for a mapping of {@code pageCount} pages that is moving because it could
     * not grow in place (an mremap move); it is likely to grow again. Default: {@link #place}.
     */
    default long placeGrowing(PlacementContext context, long pageCount) {
        return place(context, pageCount, 1);
    }

    /** Lowest address that fits: the simplest policy, and Linux's bottom-up allocator. */
    static PlacementPolicy firstFit() {
        return Placements.FIRST_FIT;
    }

    /** The smallest gap that fits, lowest address among equals. */
    static PlacementPolicy bestFit() {
        return Placements.BEST_FIT;
    }

    /**
     * First fit that keeps room behind mappings that grow in place, and at the top of memory
     * room behind reallocs (mappings grown with {@code MREMAP_MAYMOVE}), kept free for the latest
     * realloc (docs/placement.md).
     */
    static PlacementPolicy growthAware() {
        return Placements.GROWTH_AWARE;
    }

    /**
     * Growth-aware placement that also leaves up to {@code maxHeadroomBytes} free behind any
     * grower at the top of memory (more growths in place, more peak memory).
     */
    static PlacementPolicy growthAware(long maxHeadroomBytes) {
        return new GrowthAwarePlacement(maxHeadroomBytes, true);
    }

    /**
     * Growth-aware placement with every knob: up to {@code maxHeadroomBytes} free behind any
     * grower at the top of memory, and, when {@code reallocRoom}, the larger room behind reallocs.
     * {@code growthAware(0, false)} is the policy before realloc room existed, kept to measure it.
     */
    static PlacementPolicy growthAware(long maxHeadroomBytes, boolean reallocRoom) {
        return new GrowthAwarePlacement(maxHeadroomBytes, reallocRoom);
    }

    /** The default policy of a new address space: {@link #growthAware()} (docs/placement.md). */
    static PlacementPolicy defaultPolicy() {
        return growthAware();
    }
}
