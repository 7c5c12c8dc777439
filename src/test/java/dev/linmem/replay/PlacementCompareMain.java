package dev.linmem.replay;

import dev.linmem.space.PlacementPolicy;
import java.util.List;

/**
 * The replayer's measurement of the AddressSpace's placement policies: system-call traces on the
 * {@code linmem} target under each policy, printing peak linear over peak live and the recorded
 * in-place growths kept, as a Markdown table (docs/placement.md, docs/replay.md). With no
 * arguments: the shared recordings, then the team's extra ones (test resources
 * {@code traces/extra}); arguments name shared traces or {@code extra/NAME}s.
 */
final class PlacementCompareMain {

    /** The shared system-call recordings, then the team's extra ones. */
    static final List<String> ALL = List.of("php-strings.strace", "php-strings-nomremap.strace", "python-alloc.strace",
            "extra/python-mixed.strace", "extra/python-bytearray.strace", "extra/perl-strings.strace",
            "extra/node-strings.strace", "extra/sqlite-memory.strace", "extra/c-realloc8.strace",
            "extra/gcc-compile.strace");

    private PlacementCompareMain() {
    }

    /** A shared trace, or with the prefix {@code extra/} one of the team's extra recordings. */
    static RecordedTrace trace(String name) {
        return name.startsWith("extra/") ? RecordedTrace.of(SharedTraces.loaded(name), -1) : SharedTraces.get(name);
    }

    public static void main(String[] args) {
        List<PlacementPolicy> policies = List.of(PlacementPolicy.firstFit(), PlacementPolicy.bestFit(),
                PlacementPolicy.growthAware(0, false), PlacementPolicy.growthAware(),
                PlacementPolicy.growthAware(1L << 20));
        Replayer replayer = new Replayer(TargetOptions.defaults());
        System.out.println("| trace | policy | peak linear MiB | overhead | in place kept | lost | copied MiB |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|");
        for (String name : args.length > 0 ? List.of(args) : ALL) {
            RecordedTrace trace = trace(name);
            for (PlacementPolicy policy : policies) {
                TargetResult r = replayer.replay(trace, new LinmemTarget(policy));
                System.out.printf("| %s | %s | %.1f | %.3f | %d | %d | %.1f |%n", name, policy.name(),
                        r.peakLinearBytes() / 1048576.0, r.overhead(), r.inPlaceKept(), r.inPlaceLost(),
                        r.copiedBytes() / 1048576.0);
            }
        }
    }
}
