package dev.linmem.replay;

import dev.linmem.memory.LinearMemory;
import dev.linmem.replay.trace.TraceEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Replays one recorded address space against targets and measures each.
 *
 * <p><b>Algorithm</b>, per target:
 * <ol>
 *   <li>build a fresh {@link Machine} and its {@link EventPlayer} (not timed);</li>
 *   <li>play every event in recorded order, timing only this loop ({@code replayNanos});
 *       after each event, note the peak moment (the memory grew, or it is at its high-water
 *       mark and the recording holds more than at the last peak moment), take a {@link Sample}
 *       every {@code n / 1000} events, and with {@link InvariantChecking#EVERY_EVENT} check
 *       every structure (subtracted from the time);</li>
 *   <li>finish the player, check every structure once more, and assemble the {@link TargetResult};</li>
 *   <li>replay again, untimed, on a fresh machine up to the peak moment and draw the
 *       {@link PeakMap} from the live ranges there.</li>
 * </ol>
 * Peak live bytes come from the recording alone ({@link RecordedTrace#peakLiveBytes()}), the same
 * for every target.
 */
public final class Replayer {

    /** The most samples a timeline holds, about. */
    public static final int MAX_SAMPLES = 1000;

    private final TargetOptions options;

    public Replayer(TargetOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** The options every machine is built with. */
    public TargetOptions options() {
        return options;
    }

    /** Replays {@code trace} against each target in order. */
    public ReplayReport replay(RecordedTrace trace, List<Target> targets, long parseNanos) {
        List<TargetResult> results = new ArrayList<>(targets.size());
        for (Target t : targets) {
            results.add(replay(trace, t));
        }
        return new ReplayReport(trace.name(), trace.format(), trace.addressSpace(), trace.events().size(),
                parseNanos, results);
    }

    /** Replays {@code trace} against one target. */
    public TargetResult replay(RecordedTrace trace, Target target) {
        Machine machine = target.newMachine(options);
        ReplayMeter meter = new ReplayMeter();
        EventPlayer player = target.newPlayer(machine, trace, meter);
        LinearMemory memory = machine.memory();
        List<TraceEvent> events = trace.events();
        int n = events.size();
        int stride = Math.max(1, (n + MAX_SAMPLES - 1) / MAX_SAMPLES);
        boolean checkEveryEvent = options.checking() == InvariantChecking.EVERY_EVENT;
        List<Sample> timeline = new ArrayList<>(Math.min(n, MAX_SAMPLES) + 2);
        timeline.add(new Sample(0, memory.sizeBytes(), trace.liveBytesAfter(0)));
        long peakPages = memory.pages();
        long liveAtPeak = trace.liveBytesAfter(0);
        int peakEventCount = 0;

        long replayed = 0;
        long skipped = 0;
        long checkNanos = 0;
        long startNanos = System.nanoTime();
        for (int i = 0; i < n; i++) {
            if (player.play(events.get(i))) {
                replayed++;
            } else {
                skipped++;
            }
            long pages = memory.pages();
            long live = trace.liveBytesAfter(i + 1);
            if (pages > peakPages || pages == peakPages && live > liveAtPeak) {
                peakPages = pages;
                liveAtPeak = live;
                peakEventCount = i + 1;
            }
            if ((i + 1) % stride == 0 && i + 1 < n) {
                timeline.add(new Sample(i + 1, memory.sizeBytes(), live));
            }
            if (checkEveryEvent) {
                long checkStart = System.nanoTime();
                checkAll(machine, player, events.get(i));
                checkNanos += System.nanoTime() - checkStart;
            }
        }
        long replayNanos = Math.max(0, System.nanoTime() - startNanos - checkNanos);
        player.finish();
        checkAll(machine, player, null);
        timeline.add(new Sample(n, memory.sizeBytes(), trace.liveBytesAfter(n)));

        long peakLinearPages = Math.max(peakPages, memory.stats().peakPages());
        long peakLinearBytes = peakLinearPages * LinearMemory.PAGE_BYTES;
        long peakLive = trace.peakLiveBytes();
        double overhead = peakLive == 0 ? 1.0 : (double) peakLinearBytes / peakLive;
        PeakMap peakMap = peakMapAfter(trace, target, peakEventCount);
        return new TargetResult(target.name(), target.description(), replayed, skipped, peakLinearBytes,
                peakLinearPages, peakLive, overhead, meter.failedCalls(), meter.leakedBytes(), meter.copiedBytes(),
                machine.clearedBytes() + meter.clearedBytes(), meter.inPlaceKept(), meter.inPlaceLost(),
                meter.outOfMemoryEvents(), replayNanos, replayed == 0 ? 0 : (double) replayNanos / replayed,
                timeline, peakMap);
    }

    /**
     * The target's memory after the first {@code eventCount} events: replayed again on a fresh
     * machine (replays are deterministic), so the timed replay carries no snapshots.
     */
    private PeakMap peakMapAfter(RecordedTrace trace, Target target, int eventCount) {
        Machine machine = target.newMachine(options);
        EventPlayer player = target.newPlayer(machine, trace, new ReplayMeter());
        List<TraceEvent> events = trace.events();
        for (int i = 0; i < eventCount; i++) {
            player.play(events.get(i));
        }
        LongTriples triples = new LongTriples();
        player.visitLiveRanges((start, length, kind) -> triples.add(start, length, kind.ordinal()));
        return PeakMaps.of(triples.toArray(), machine.memory().sizeBytes(), pageBytesOf(machine, target));
    }

    private static long pageBytesOf(Machine machine, Target target) {
        return target.capabilities().contains(Capability.MMAP) ? machine.mapper().pageSizeBytes()
                : RecordedModel.RECORDED_PAGE_BYTES;
    }

    private static void checkAll(Machine machine, EventPlayer player, TraceEvent after) {
        try {
            player.checkInvariants();
            machine.checkInvariants();
        } catch (RuntimeException | AssertionError e) {
            String where = after == null ? "at the end of the replay" : "after line " + after.line() + " (" + after + ")";
            throw new IllegalStateException("invariant broken " + where + ": " + e.getMessage(), e);
        }
    }

    /** A growable array of (long, long, long) triples. */
    private static final class LongTriples {
        private long[] values = new long[48];
        private int size;

        void add(long a, long b, long c) {
            if (size + 3 > values.length) {
                values = java.util.Arrays.copyOf(values, values.length * 2);
            }
            values[size++] = a;
            values[size++] = b;
            values[size++] = c;
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }
    }
}
