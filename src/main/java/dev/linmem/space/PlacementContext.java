package dev.linmem.space;

/**
 * What a {@link PlacementPolicy} may ask of the address space while choosing where a new mapping
 * goes: read-only, logarithmic queries over the gap index and the mappings. All numbers are map
 * pages. The context is valid only during the {@code place} call that receives it.
 */
public interface PlacementContext {

    /** The first page the address space manages (its base address in pages). */
    long basePage();

    /** The page where the linear memory currently ends: placing beyond it grows the memory. */
    long memoryEndPage();

    /** The address-space limit in pages (the largest memory the type allows). */
    long limitPage();

    /** Map page size in bytes. */
    long pageSizeBytes();

    /** The lowest start of an {@code alignPages}-aligned free run of {@code pageCount} pages, or -1. */
    long lowestFit(long pageCount, long alignPages);

    /** The start of an aligned free run of {@code pageCount} pages in the smallest gap holding one, or -1. */
    long smallestFit(long pageCount, long alignPages);

    /** The lowest gap of at least {@code pageCount} pages starting at or above {@code fromPage}, or null. */
    PageRange lowestGapFrom(long pageCount, long fromPage);

    /** The gap containing {@code page}, or null when the page is mapped or reserved. */
    PageRange gapContaining(long page);

    /** The highest gap (the one running to the limit when memory is not full), or null. */
    PageRange lastGap();

    /**
     * How often the mapping that ends exactly at {@code page} grew in place (by mremap or by a
     * hinted mmap at its end), or -1 when no mapping ends there.
     */
    int inPlaceGrowthsOfMappingEndingAt(long page);

    /**
     * Pages added by the latest mremap growth with {@code MREMAP_MAYMOVE} (in place or by
     * moving) of the mapping that ends exactly at {@code page}: its step as a realloc. 0 when no
     * mapping ends there or it never grew that way.
     */
    long reallocStepOfMappingEndingAt(long page);

    /**
     * Whether the mapping that ends exactly at {@code page} is the <em>latest realloc</em>: the
     * one whose mremap growth with {@code MREMAP_MAYMOVE} (in place or by moving) came last, with
     * the extent that growth gave it (a piece cut off it by munmap or mprotect is not).
     */
    boolean latestReallocEndsAt(long page);

    /** Pages of the mapping that ends exactly at {@code page}, or 0 when none ends there. */
    long pagesOfMappingEndingAt(long page);
}
