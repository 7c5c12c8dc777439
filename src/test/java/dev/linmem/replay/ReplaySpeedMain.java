package dev.linmem.replay;

/**
 * Measures the replay speed of one target on the shared strace traces: each trace is replayed
 * {@code rounds} times (the first rounds warm the JIT up) and the best and median rates are
 * printed; names may be shared traces or {@code extra/NAME}s. Run: see docs/replay.md, "Speed".
 */
final class ReplaySpeedMain {

    private ReplaySpeedMain() {
    }

    public static void main(String[] args) {
        String targetName = args.length > 0 ? args[0] : "linmem";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        Target target = TargetRegistry.standard().targetNamed(targetName);
        Replayer replayer = new Replayer(TargetOptions.defaults());
        String[] names = args.length > 2 ? args[2].split(",")
                : new String[] {"php-strings.strace", "php-strings-nomremap.strace", "python-alloc.strace"};
        for (String name : names) {
            RecordedTrace trace = PlacementCompareMain.trace(name);
            double[] rates = new double[rounds];
            for (int i = 0; i < rounds; i++) {
                TargetResult r = replayer.replay(trace, target);
                rates[i] = r.eventsPerSecond();
            }
            double[] sorted = rates.clone();
            java.util.Arrays.sort(sorted);
            System.out.printf("%-28s %-10s events=%d best=%.2f M/s median=%.2f M/s (%d rounds)%n", name, targetName,
                    trace.events().size(), sorted[rounds - 1] / 1e6, sorted[rounds / 2] / 1e6, rounds);
        }
    }
}
