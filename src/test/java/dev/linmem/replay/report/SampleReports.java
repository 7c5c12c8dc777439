package dev.linmem.replay.report;

import dev.linmem.replay.PeakMap;
import dev.linmem.replay.ReplayReport;
import dev.linmem.replay.Sample;
import dev.linmem.replay.TargetResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Hand-made replay results for the report tests: two targets with timelines and peak maps. */
final class SampleReports {

    static final long MIB = 1L << 20;

    private SampleReports() {
    }

    /** A report of two targets, {@code good} (no waste) and {@code leaky "quoted"} (leaks, fails calls). */
    static ReplayReport twoTargets() {
        List<TargetResult> targets = List.of(
                target("good", "keeps every growth in place", 52 * MIB, Map.of(), 0, 0, 4235, 0, timeline(2000, 1.0),
                        new PeakMap(0, 4096, 13312, List.of(
                                new PeakMap.Run(0, 12800, PeakMap.Kind.LIVE),
                                new PeakMap.Run(12800, 512, PeakMap.Kind.FREE)))),
                target("leaky \"quoted\"", "fails partial munmaps <and> leaks & copies", 3L * 1024 * MIB,
                        orderedMap("ENOMEM", 13L, "EINVAL", 17L), 96 * MIB, 2L * 1024 * MIB, 4222, 13,
                        timeline(2000, 3.0), new PeakMap(0, 65536, 49152, List.of(
                                new PeakMap.Run(0, 800, PeakMap.Kind.LIVE),
                                new PeakMap.Run(800, 1000, PeakMap.Kind.FREE),
                                new PeakMap.Run(1800, 10, PeakMap.Kind.RESERVED),
                                new PeakMap.Run(1810, 47342, PeakMap.Kind.FREE)))));
        return new ReplayReport("php-strings-nomremap.strace", "strace", "pid 16616", 21_345, 85_200_000L, targets);
    }

    static TargetResult target(String name, String description, long peakLinearBytes, Map<String, Long> failed,
                               long leakedBytes, long copiedBytes, long kept, long lost, List<Sample> timeline,
                               PeakMap peakMap) {
        long peakLive = 50 * MIB;
        return new TargetResult(name, description, 21_000, 345, peakLinearBytes, peakLinearBytes / 65536, peakLive,
                (double) peakLinearBytes / peakLive, failed, leakedBytes, copiedBytes, 12 * MIB, kept, lost,
                failed.isEmpty() ? 0 : 2, 4_460_000L, 212.38, timeline, peakMap);
    }

    static Map<String, Long> orderedMap(String k1, long v1, String k2, long v2) {
        Map<String, Long> map = new LinkedHashMap<>();
        map.put(k1, v1);
        map.put(k2, v2);
        return map;
    }

    /** A growing-and-shrinking live curve; linear memory is its running maximum times {@code factor}. */
    static List<Sample> timeline(int samples, double factor) {
        List<Sample> out = new ArrayList<>();
        long linear = 0;
        for (int i = 0; i < samples; i++) {
            long live = (long) ((Math.sin(i / 150.0) + 1.2) * 20 * MIB);
            linear = Math.max(linear, (long) (live * factor));
            out.add(new Sample(i * 10L, linear, live));
        }
        return out;
    }
}
