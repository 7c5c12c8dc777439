package dev.linmem.cli;

import dev.linmem.replay.report.Units;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The progress line on stderr for long runs: {@code linmem: replaying linmem on x.strace  63%
 * 2.41 M events/s}, rewritten in place with a carriage return.
 *
 * <p>Invariants: nothing is printed before {@value #QUIET_NANOS} ns have passed since {@link
 * #start}, so runs shorter than a second print no line at all; the line is rewritten at most
 * every {@value #REFRESH_NANOS} ns; {@link #finish()} erases a printed line, so the next output
 * starts on a clean line. A disabled line ({@link #disabled()}) prints nothing ever.
 */
final class ProgressLine {

    /** How long a run goes before the line appears: one second. */
    static final long QUIET_NANOS = 1_000_000_000L;

    /** Least time between two rewrites of the line. */
    static final long REFRESH_NANOS = 200_000_000L;

    private final PrintStream err;
    private final LongSupplier clock;
    private final boolean enabled;
    private long startNanos;
    private long lastPrintNanos;
    private int printedWidth;
    private String phase = "";

    private ProgressLine(PrintStream err, LongSupplier clock, boolean enabled) {
        this.err = err;
        this.clock = clock;
        this.enabled = enabled;
    }

    /** A progress line on {@code err}, timed by {@code clock} (nanoseconds, as {@link System#nanoTime}). */
    static ProgressLine on(PrintStream err, LongSupplier clock) {
        return new ProgressLine(err, clock, true);
    }

    /** A progress line that never prints ({@code --quiet}, or stderr is not a terminal). */
    static ProgressLine disabled() {
        return new ProgressLine(null, System::nanoTime, false);
    }

    /** Whether this line can ever print. */
    boolean isEnabled() {
        return enabled;
    }

    /** Starts timing a phase, for example {@code reading x.strace}; erases any line shown. */
    void start(String phaseText) {
        finish();
        this.phase = phaseText;
        if (enabled) {
            startNanos = clock.getAsLong();
            lastPrintNanos = startNanos;
        }
    }

    /**
     * Reports progress: {@code done} of {@code total} units ({@code total} 0 when unknown), and
     * {@code events} handled so far, for the rate. Cheap when nothing is due to print.
     */
    void update(long done, long total, long events) {
        if (!enabled) {
            return;
        }
        long now = clock.getAsLong();
        if (now - startNanos < QUIET_NANOS || now - lastPrintNanos < REFRESH_NANOS) {
            return;
        }
        lastPrintNanos = now;
        String line = render(phase, done, total, events, now - startNanos);
        String pad = printedWidth > line.length() ? " ".repeat(printedWidth - line.length()) : "";
        err.print("\r" + line + pad);
        err.flush();
        printedWidth = line.length();
    }

    /** Erases the line if one is shown. */
    void finish() {
        if (enabled && printedWidth > 0) {
            err.print("\r" + " ".repeat(printedWidth) + "\r");
            err.flush();
            printedWidth = 0;
        }
    }

    /** The text of the line: phase, percent done (when the total is known), events per second. */
    static String render(String phase, long done, long total, long events, long elapsedNanos) {
        StringBuilder sb = new StringBuilder("linmem: ").append(phase);
        if (total > 0) {
            sb.append(String.format(Locale.ROOT, "  %3d%%", Math.min(100, done * 100 / total)));
        }
        if (elapsedNanos > 0) {
            sb.append("  ").append(Units.eventsPerSecond(events * 1e9 / elapsedNanos));
        }
        return sb.toString();
    }
}
