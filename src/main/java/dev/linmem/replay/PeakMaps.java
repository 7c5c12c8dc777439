package dev.linmem.replay;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds a {@link PeakMap} from live target ranges: each page takes the kind of the first live
 * range that touches it (ranges are byte-disjoint, so only boundary pages are shared); then
 * {@link PeakMap.Kind#LEAKED} ranges, which may overlap the others (a storage reports all it
 * holds as leaked and its live blocks as live), claim only pages nothing live touches; pages no
 * range touches are {@link PeakMap.Kind#FREE}.
 */
final class PeakMaps {

    private PeakMaps() {
    }

    /**
     * @param triples     (start, length, kind ordinal) triples of live ranges, any order
     * @param memoryBytes the linear memory's size at the peak
     * @param pageBytes   the map's page
     */
    static PeakMap of(long[] triples, long memoryBytes, long pageBytes) {
        long totalPages = (memoryBytes + pageBytes - 1) / pageBytes;
        List<PeakMap.Run> runs = paint(triples, false, totalPages, pageBytes);
        List<PeakMap.Run> leaked = paint(triples, true, totalPages, pageBytes);
        if (leaked.stream().anyMatch(r -> r.kind() == PeakMap.Kind.LEAKED)) {
            runs = overlayOnFree(runs, leaked);
        }
        return new PeakMap(0, pageBytes, totalPages, runs);
    }

    /** Runs covering {@code [0, totalPages)} from the LEAKED ranges only, or from all others. */
    private static List<PeakMap.Run> paint(long[] triples, boolean leakedOnly, long totalPages, long pageBytes) {
        int count = 0;
        for (int i = 0; i < triples.length / 3; i++) {
            if ((triples[3 * i + 2] == PeakMap.Kind.LEAKED.ordinal()) == leakedOnly) {
                count++;
            }
        }
        Integer[] order = new Integer[count];
        for (int i = 0, n = 0; i < triples.length / 3; i++) {
            if ((triples[3 * i + 2] == PeakMap.Kind.LEAKED.ordinal()) == leakedOnly) {
                order[n++] = i;
            }
        }
        Arrays.sort(order, (a, b) -> Long.compare(triples[3 * a], triples[3 * b]));
        PeakMap.Kind[] kinds = PeakMap.Kind.values();
        List<PeakMap.Run> runs = new ArrayList<>();
        long covered = 0;
        for (int idx : order) {
            long start = triples[3 * idx];
            long length = triples[3 * idx + 1];
            PeakMap.Kind kind = kinds[(int) triples[3 * idx + 2]];
            long startPage = Math.max(covered, start / pageBytes);
            long endPage = Math.min(totalPages, (start + length + pageBytes - 1) / pageBytes);
            if (startPage >= endPage) {
                continue;
            }
            if (startPage > covered) {
                append(runs, covered, startPage - covered, PeakMap.Kind.FREE);
            }
            append(runs, startPage, endPage - startPage, kind);
            covered = endPage;
        }
        if (covered < totalPages) {
            append(runs, covered, totalPages - covered, PeakMap.Kind.FREE);
        }
        return runs;
    }

    /** {@code base} with its FREE pages taken by {@code overlay}'s kind where that is not FREE. */
    private static List<PeakMap.Run> overlayOnFree(List<PeakMap.Run> base, List<PeakMap.Run> overlay) {
        List<PeakMap.Run> out = new ArrayList<>();
        int j = 0;
        for (PeakMap.Run r : base) {
            if (r.kind() != PeakMap.Kind.FREE) {
                append(out, r.startPage(), r.pageCount(), r.kind());
                continue;
            }
            long page = r.startPage();
            while (page < r.endPage()) {
                while (overlay.get(j).endPage() <= page) {
                    j++;
                }
                PeakMap.Run o = overlay.get(j);
                long end = Math.min(r.endPage(), o.endPage());
                append(out, page, end - page, o.kind());
                page = end;
            }
        }
        return out;
    }

    private static void append(List<PeakMap.Run> runs, long startPage, long pageCount, PeakMap.Kind kind) {
        if (!runs.isEmpty()) {
            PeakMap.Run last = runs.get(runs.size() - 1);
            if (last.kind() == kind && last.endPage() == startPage) {
                runs.set(runs.size() - 1, new PeakMap.Run(last.startPage(), last.pageCount() + pageCount, kind));
                return;
            }
        }
        runs.add(new PeakMap.Run(startPage, pageCount, kind));
    }
}
