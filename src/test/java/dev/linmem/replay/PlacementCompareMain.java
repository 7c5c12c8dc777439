package dev.linmem.replay;

import dev.linmem.space.PlacementPolicy;
import java.util.List;

/**
 * The replayer's measurement of the AddressSpace's placement policies: every shared system-call
 * trace on the {@code linmem} target under each policy, printing peak linear over peak live and
 * the recorded in-place growths kept, as a Markdown table (docs/replay.md, "Placement").
 */
final class PlacementCompareMain {

    private PlacementCompareMain() {
    }

    public static void main(String[] args) {
        List<PlacementPolicy> policies = List.of(PlacementPolicy.firstFit(), PlacementPolicy.bestFit(),
                PlacementPolicy.growthAware(0, false), PlacementPolicy.growthAware(),
                PlacementPolicy.growthAware(1L << 20));
        Replayer replayer = new Replayer(TargetOptions.defaults());
        System.out.println("| trace | policy | peak linear MiB | overhead | in place kept | lost | copied MiB |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|");
        for (String name : List.of("php-strings.strace", "php-strings-nomremap.strace", "python-alloc.strace")) {
            RecordedTrace trace = SharedTraces.get(name);
            for (PlacementPolicy policy : policies) {
                TargetResult r = replayer.replay(trace, new LinmemTarget(policy));
                System.out.printf("| %s | %s | %.1f | %.3f | %d | %d | %.1f |%n", name, policy.name(),
                        r.peakLinearBytes() / 1048576.0, r.overhead(), r.inPlaceKept(), r.inPlaceLost(),
                        r.copiedBytes() / 1048576.0);
            }
        }
    }
}
