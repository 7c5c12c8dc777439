package dev.linmem.replay;

import java.util.List;
import java.util.Objects;

/**
 * The target's address space at its peak (the linear memory at its high-water mark, at the
 * moment the recording held the most live bytes since it got there), as runs of
 * pages for a strip chart. Runs are in address order, disjoint, adjacent runs have different
 * kinds, and together they cover {@code [0, totalPages)} (page 0 is at {@code baseAddress}).
 *
 * @param baseAddress the address of page 0 (0: the start of linear memory)
 * @param pageBytes   bytes per page of this map
 * @param totalPages  pages covered: the linear memory's size at the peak, in these pages
 * @param runs        the runs, covering every page once
 */
public record PeakMap(long baseAddress, long pageBytes, long totalPages, List<Run> runs) {

    /** What occupies a run of pages. */
    public enum Kind {
        /** Live memory the recording holds: a mapping or a live heap block (any part of the page). */
        LIVE,
        /** Mapped with PROT_NONE: address space reserved, nothing committed. */
        RESERVED,
        /** The program break's heap (brk). */
        BREAK,
        /**
         * Still held by the target although the recording gave it back: a munmap or shrink the
         * target refused (Emscripten's partial munmap), so the pages can never be used again.
         */
        LEAKED,
        /** Nothing live: free space inside the memory, the target's fragmentation and metadata. */
        FREE
    }

    /**
     * A run of pages of one kind.
     *
     * @param startPage first page
     * @param pageCount pages in the run, at least 1
     * @param kind      what occupies them
     */
    public record Run(long startPage, long pageCount, Kind kind) {

        public Run {
            Objects.requireNonNull(kind, "kind");
            if (startPage < 0 || pageCount < 1) {
                throw new IllegalArgumentException("bad run [" + startPage + ", +" + pageCount + ")");
            }
        }

        /** The page after the run. */
        public long endPage() {
            return startPage + pageCount;
        }
    }

    public PeakMap {
        runs = List.copyOf(runs);
        if (pageBytes <= 0) {
            throw new IllegalArgumentException("pageBytes must be positive: " + pageBytes);
        }
    }

    /** An empty map (nothing was ever allocated). */
    public static PeakMap empty(long pageBytes) {
        return new PeakMap(0, pageBytes, 0, List.of());
    }

    /** Pages of the given kind. */
    public long pagesOf(Kind kind) {
        long n = 0;
        for (Run r : runs) {
            if (r.kind() == kind) {
                n += r.pageCount();
            }
        }
        return n;
    }

    /** Checks that the runs are ordered, disjoint, maximal and cover {@code [0, totalPages)}. */
    public void checkInvariants() {
        long next = 0;
        Kind previous = null;
        for (Run r : runs) {
            if (r.startPage() != next) {
                throw new IllegalStateException("run " + r + " does not start at page " + next);
            }
            if (r.kind() == previous) {
                throw new IllegalStateException("run " + r + " has the kind of the run before it");
            }
            next = r.endPage();
            previous = r.kind();
        }
        if (next != totalPages) {
            throw new IllegalStateException("runs end at page " + next + ", not " + totalPages);
        }
    }
}
