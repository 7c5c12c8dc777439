package dev.linmem.replay;

import java.util.List;
import java.util.Map;

/**
 * Every shared trace on every fitting standard target, printed as the Markdown table of
 * docs/replay.md ("Figures on the shared traces").
 */
final class ReplayAllMain {

    private ReplayAllMain() {
    }

    public static void main(String[] args) {
        Replayer replayer = new Replayer(TargetOptions.defaults());
        TargetRegistry registry = TargetRegistry.standard();
        System.out.println("| trace | target | replayed | skipped | peak linear MiB | peak live MiB | overhead"
                + " | failed calls | leaked MiB | copied MiB | cleared MiB | in place kept / lost | OOM | ns/event |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|");
        for (String name : SharedTraces.NAMES) {
            RecordedTrace trace = SharedTraces.get(name);
            List<Target> targets = registry.fitting(trace);
            for (Target t : targets) {
                TargetResult r = replayer.replay(trace, t);
                System.out.printf("| %s | %s | %d | %d | %.1f | %.1f | %.3f | %s | %.1f | %.1f | %.1f | %d / %d | %d | %.0f |%n",
                        name, r.name(), r.eventsReplayed(), r.eventsSkipped(), mib(r.peakLinearBytes()),
                        mib(r.peakLiveBytes()), r.overhead(), failed(r.failedCalls()), mib(r.leakedBytes()),
                        mib(r.copiedBytes()), mib(r.clearedBytes()), r.inPlaceKept(), r.inPlaceLost(),
                        r.outOfMemoryEvents(), r.nsPerEvent());
            }
        }
    }

    private static double mib(long bytes) {
        return bytes / 1048576.0;
    }

    private static String failed(Map<String, Long> failedCalls) {
        if (failedCalls.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        failedCalls.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
        return sb.toString();
    }
}
