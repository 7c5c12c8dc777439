package dev.linmem.benchmarks.memory;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A secondary JMH result: the benchmark thread's CPU time per operation, in nanoseconds, for
 * each iteration ({@code ·cpuNanosPerOp} in the output).
 *
 * <p>Wall-clock scores on a machine shared with other busy processes mostly measure how often
 * the benchmark thread was descheduled, and that differs from fork to fork, so ratios between
 * forks become noise. Thread CPU time ({@link ThreadMXBean#getCurrentThreadCpuTime()}) counts
 * only the time the thread actually ran, which keeps ratios meaningful under load. A benchmark
 * brackets the work of one invocation with {@link #start()} and {@link #stop(long, int)}; the
 * two calls cost well under a microsecond, so invocations should do at least tens of
 * microseconds of work.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class CpuTimeCounter {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private long cpuNanos;
    private long operations;

    /** CPU nanoseconds per operation so far in this iteration. */
    public double cpuNanosPerOp;

    @Setup(Level.Iteration)
    public void reset() {
        cpuNanos = 0;
        operations = 0;
        cpuNanosPerOp = 0;
    }

    /** The current thread CPU time; pass it to {@link #stop(long, int)}. */
    long start() {
        return THREADS.getCurrentThreadCpuTime();
    }

    /** Adds the CPU time since {@code startNanos}, spent on {@code operationCount} operations. */
    void stop(long startNanos, int operationCount) {
        cpuNanos += THREADS.getCurrentThreadCpuTime() - startNanos;
        operations += operationCount;
        cpuNanosPerOp = (double) cpuNanos / operations;
    }
}
