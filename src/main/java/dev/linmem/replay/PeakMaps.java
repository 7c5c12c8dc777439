package dev.linmem.replay;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds a {@link PeakMap} from live target ranges: each page takes the kind of the first live
 * range that touches it (ranges are byte-disjoint, so only boundary pages are shared); pages no
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
        int count = triples.length / 3;
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(triples[3 * a], triples[3 * b]));
        long totalPages = (memoryBytes + pageBytes - 1) / pageBytes;
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
        return new PeakMap(0, pageBytes, totalPages, runs);
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
