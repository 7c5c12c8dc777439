package dev.linmem.replay;

import java.util.List;

/**
 * One trace replayed against several targets: what the reports print.
 *
 * @param trace        the trace's file name
 * @param format       the format it was read as (for example {@code strace}, {@code malloc}, {@code ltrace})
 * @param addressSpace which address space of the trace was replayed (for example {@code pid 16616})
 * @param events       events in that address space, replayed or skipped
 * @param parseNanos   time spent reading and parsing the trace, reported apart from the replay
 * @param targets      one result per target, in the order they ran
 */
public record ReplayReport(String trace, String format, String addressSpace, long events, long parseNanos,
                           List<TargetResult> targets) {

    public ReplayReport {
        targets = List.copyOf(targets);
    }

    /** The result of the target named {@code name}, or null when it did not run. */
    public TargetResult resultNamed(String name) {
        for (TargetResult r : targets) {
            if (r.name().equals(name)) {
                return r;
            }
        }
        return null;
    }
}
