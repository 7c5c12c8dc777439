package dev.linmem.space;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Replays the anonymous mmap family of the shared strace recordings under each placement
 * policy and prints the table of docs/placement.md (peak memory over peak live bytes, recorded
 * in-place growths kept). Asserts the goals for the default policy.
 */
class PlacementOnTracesTest {

    static final List<String> TRACES = List.of("php-strings.strace", "php-strings-nomremap.strace", "python-alloc.strace");

    static final List<PlacementPolicy> POLICIES = List.of(PlacementPolicy.firstFit(), PlacementPolicy.bestFit(),
            PlacementPolicy.growthAware());

    @Test
    void defaultPolicyKeepsMemoryWithinTenPercentOfPeakLiveOnEveryRecording() throws Exception {
        StringBuilder table = new StringBuilder(
                "| trace | policy | peak live MiB | memory MiB | memory / peak live | in-place growths kept | MiB copied |\n"
                + "|---|---|---|---|---|---|---|\n");
        List<PlacementPolicy> policies = new java.util.ArrayList<>(POLICIES);
        policies.add(2, PlacementPolicy.growthAware(0, false));
        policies.add(PlacementPolicy.growthAware(1L << 20));
        policies.add(PlacementPolicy.growthAware(64L << 20));
        List<TraceMmapReplay.Result> results = new java.util.ArrayList<>();
        for (String trace : TRACES) {
            for (PlacementPolicy policy : policies) {
                TraceMmapReplay.Result r = TraceMmapReplay.run(trace, policy);
                table.append(r.row()).append('\n');
                if (policy == PlacementPolicy.defaultPolicy()) {
                    results.add(r);
                }
            }
        }
        System.out.println(table);
        for (TraceMmapReplay.Result r : results) {
            assertThat(r.ratio()).as("%s: memory / peak live", r.trace()).isLessThanOrEqualTo(1.10);
            assertThat(r.keptShare()).as("%s: in-place growths kept", r.trace()).isGreaterThanOrEqualTo(0.99);
        }
    }

    @Test
    void reallocRoomKeepsMoreOfPythonsGrowthsInPlaceThanNoRoom() throws Exception {
        TraceMmapReplay.Result withRoom = TraceMmapReplay.run("python-alloc.strace", PlacementPolicy.growthAware());
        TraceMmapReplay.Result without = TraceMmapReplay.run("python-alloc.strace", PlacementPolicy.growthAware(0, false));

        assertThat(withRoom.keptShare()).isGreaterThan(without.keptShare());
        assertThat(withRoom.ratio()).isLessThanOrEqualTo(1.10);
    }
}
