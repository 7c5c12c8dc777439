package dev.linmem.space;

/**
 * One mapping (the kernel's VMA) as a half-open range of map pages {@code [startPage, endPage)}.
 *
 * <p>Identity: {@code id} names the mmap (or brk) call that created the pages; pieces split from
 * one mapping keep its id. Two adjacent mappings are one VMA only if they carry the same id and
 * the same protection, so separately created mappings stay distinct VMAs even when they touch
 * (see {@link MappingSet} for the merge rule). {@code inPlaceGrowths} counts how often the
 * mapping grew in place (by mremap, or by an mmap hinted at its end), which the growth-aware
 * placement uses to keep room behind it.
 *
 * @param startPage      first map page (inclusive)
 * @param endPage        end map page (exclusive), greater than {@code startPage}
 * @param prot           protection bits ({@link Mman#PROT_READ} ...)
 * @param id             identity of the creating call; {@link #HEAP_ID} for the brk heap
 * @param inPlaceGrowths how often this mapping grew in place
 * @param reallocStep    pages added by its latest mremap growth with {@link Mman#MREMAP_MAYMOVE}
 *                       (a realloc, which the program lets the kernel move), 0 when it never
 *                       grew that way
 */
record Mapping(long startPage, long endPage, int prot, long id, int inPlaceGrowths, long reallocStep) {

    /** The identity of the brk heap's mapping; mmap identities start at 1. */
    static final long HEAP_ID = 0;

    /** A mapping that never grew with {@link Mman#MREMAP_MAYMOVE}. */
    Mapping(long startPage, long endPage, int prot, long id, int inPlaceGrowths) {
        this(startPage, endPage, prot, id, inPlaceGrowths, 0);
    }

    Mapping {
        if (startPage < 0 || endPage <= startPage) {
            throw new IllegalArgumentException("bad mapping range [" + startPage + ", " + endPage + ")");
        }
        if (reallocStep < 0) {
            throw new IllegalArgumentException("negative realloc step " + reallocStep);
        }
    }

    long pageCount() {
        return endPage - startPage;
    }

    boolean contains(long page) {
        return page >= startPage && page < endPage;
    }

    boolean isHeap() {
        return id == HEAP_ID;
    }

    /** The same mapping restricted to {@code [newStartPage, newEndPage)}. */
    Mapping withRange(long newStartPage, long newEndPage) {
        return new Mapping(newStartPage, newEndPage, prot, id, inPlaceGrowths, reallocStep);
    }

    /** True when {@code next} continues this mapping as the same VMA (touching, same id, same prot). */
    boolean mergesWith(Mapping next) {
        return endPage == next.startPage && id == next.id && prot == next.prot;
    }
}
