package dev.linmem.replay;

import dev.linmem.replay.SyntheticPlacementStudy.Summary;
import dev.linmem.space.PlacementPolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * The synthetic placement study (docs/placement.md, "Synthetic programs against a Linux
 * reference"): seeds 1..N of every {@link SyntheticPrograms.Family}, recorded on
 * {@link LinuxMmapModel}, replayed on the linmem target under each placement policy; prints one
 * Markdown row per family and policy.
 *
 * <pre>
 * java -cp target/classes:target/test-classes dev.linmem.replay.SyntheticPlacementStudyMain [seeds] [default]
 * </pre>
 * {@code seeds} defaults to 200; {@code default} replays under the default policy only.
 */
final class SyntheticPlacementStudyMain {

    private SyntheticPlacementStudyMain() {
    }

    public static void main(String[] args) {
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        boolean defaultOnly = args.length > 1 && args[1].equals("default");
        List<PlacementPolicy> policies = defaultOnly ? List.of(PlacementPolicy.growthAware())
                : List.of(PlacementPolicy.firstFit(), PlacementPolicy.growthAware(0, false),
                        PlacementPolicy.growthAware());
        System.out.println("| family | policy | in-place growths | kept (all) | mean kept | programs >= 99% "
                + "| worst | overhead mean | overhead max | programs > 1.10 |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (SyntheticPrograms.Family family : SyntheticPrograms.Family.values()) {
            List<RecordedTrace> traces = new ArrayList<>();
            for (int seed = 1; seed <= seeds; seed++) {
                traces.add(SyntheticPrograms.record(family, seed));
            }
            Summary linux = new Summary();
            for (RecordedTrace t : traces) {
                linux.add(SyntheticPlacementStudy.linuxReference(t, new LinuxMmapModel().mmapBase()));
            }
            print(family, "Linux model (span)", linux);
            for (PlacementPolicy policy : policies) {
                Summary s = new Summary();
                for (RecordedTrace t : traces) {
                    s.add(SyntheticPlacementStudy.replay(t, policy));
                }
                print(family, policy.name(), s);
            }
        }
    }

    private static void print(SyntheticPrograms.Family family, String policy, Summary s) {
        System.out.printf("| %s | %s | %d | %.1f%% | %.1f%% | %.0f%% | %.1f%% | %.3f | %.3f | %.0f%% |%n",
                family.label, policy, s.recordedInPlace(), 100.0 * s.kept() / s.recordedInPlace(),
                100 * s.meanKeptFraction(), 100 * s.fractionAtLeast(0.99), 100 * s.worstKeptFraction(),
                s.meanOverhead(), s.maxOverhead(), 100 * s.fractionOverheadAbove(1.10));
        if (s.outOfMemory() > 0) {
            System.out.println("  (" + s.outOfMemory() + " out-of-memory events)");
        }
    }
}
