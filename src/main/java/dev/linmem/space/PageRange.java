package dev.linmem.space;

/**
 * A half-open range of map pages {@code [startPage, endPage)}, as placement policies see gaps.
 *
 * @param startPage first page (inclusive)
 * @param endPage   end page (exclusive)
 */
public record PageRange(long startPage, long endPage) {

    public PageRange {
        if (endPage < startPage) {
            throw new IllegalArgumentException("bad page range [" + startPage + ", " + endPage + ")");
        }
    }

    /** {@code endPage - startPage}. */
    public long pageCount() {
        return endPage - startPage;
    }
}
