package dev.linmem.replay;

import java.util.List;

/** Prints every shared trace on every fitting target (a development aid; the tests assert). */
final class ReplayAllMain {

    private ReplayAllMain() {
    }

    public static void main(String[] args) {
        Replayer replayer = new Replayer(TargetOptions.defaults());
        TargetRegistry registry = TargetRegistry.standard();
        for (String name : SharedTraces.NAMES) {
            RecordedTrace trace = SharedTraces.get(name);
            List<Target> targets = registry.fitting(trace.profile());
            System.out.printf("%s %s events=%d peakLive=%d%n", name, trace.addressSpace(), trace.events().size(),
                    trace.peakLiveBytes());
            for (Target t : targets) {
                TargetResult r = replayer.replay(trace, t);
                System.out.printf("  %-22s repl=%d skip=%d peakLin=%d ovh=%.3f failed=%s leak=%d copied=%d clr=%d kept=%d lost=%d oom=%d ns/ev=%.0f%n",
                        r.name(), r.eventsReplayed(), r.eventsSkipped(), r.peakLinearBytes(), r.overhead(),
                        r.failedCalls(), r.leakedBytes(), r.copiedBytes(), r.clearedBytes(), r.inPlaceKept(),
                        r.inPlaceLost(), r.outOfMemoryEvents(), r.nsPerEvent());
            }
        }
    }
}
