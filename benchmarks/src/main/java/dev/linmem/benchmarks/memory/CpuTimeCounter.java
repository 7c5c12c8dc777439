package dev.linmem.benchmarks.memory;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Secondary JMH results: the benchmark thread's CPU time ({@code ·cpuNanos}) and the operations
 * it was spent on ({@code ·cpuOperations}); their quotient is CPU nanoseconds per operation.
 *
 * <p>Wall-clock scores on a machine shared with other busy processes mostly measure how often
 * the benchmark thread was descheduled, and that differs from fork to fork, so ratios between
 * forks become noise. Thread CPU time ({@link ThreadMXBean#getCurrentThreadCpuTime()}) counts
 * only the time the thread actually ran, which keeps ratios meaningful under load.
 *
 * <p>Both are {@link AuxCounters.Type#EVENTS} counters, which JMH adds up over the measurement
 * iterations (and reports as totals), so they are published as two raw totals: any
 * aggregation JMH applies treats both alike and {@code cpuNanos / cpuOperations} stays exact.
 * A benchmark brackets the work of one invocation with {@link #start()} and
 * {@link #stop(long, int)}; the two calls cost a few microseconds on a loaded machine, so
 * invocations should do at least hundreds of microseconds of work.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class CpuTimeCounter {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Thread CPU nanoseconds spent in measured invocations this iteration. */
    public long cpuNanos;

    /** Operations those nanoseconds were spent on. */
    public long cpuOperations;

    @Setup(Level.Iteration)
    public void reset() {
        cpuNanos = 0;
        cpuOperations = 0;
    }

    /** The current thread CPU time; pass it to {@link #stop(long, int)}. */
    long start() {
        return THREADS.getCurrentThreadCpuTime();
    }

    /** Adds the CPU time since {@code startNanos}, spent on {@code operationCount} operations. */
    void stop(long startNanos, int operationCount) {
        cpuNanos += THREADS.getCurrentThreadCpuTime() - startNanos;
        cpuOperations += operationCount;
    }
}
