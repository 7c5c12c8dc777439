package dev.linmem.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Secondary JMH results: each benchmark thread's CPU time ({@code ·cpuNanos}) and the operations
 * it was spent on ({@code ·cpuOperations}); their quotient is CPU nanoseconds per operation.
 *
 * <p>The approach of {@code dev.linmem.benchmarks.memory.ThreadCpuCounter}, with public methods so
 * the space and alloc benchmarks share it: on a machine shared with other busy processes a
 * wall-clock score mostly measures how often the thread was descheduled, while
 * {@link ThreadMXBean#getCurrentThreadCpuTime()} counts only the time it ran. Both fields are
 * {@link AuxCounters.Type#EVENTS} totals, which JMH adds up over iterations and over threads, so
 * {@code cpuNanos / cpuOperations} is exact per operation whatever the thread count. Under lock
 * contention the CPU time includes spinning on the lock but not time parked waiting for it.
 * Bracket ({@code long t = ThreadCpuCounter.Clock.start(); ...; cpu.stop(t, ops)}) at least hundreds of microseconds of work: the two calls cost a few microseconds.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class ThreadCpuCounter {

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

    /**
     * The clock to bracket an invocation with; apart from the counter because JMH publishes any
     * public method of the counter class that returns a number (static or not) as a counter.
     */
    public static final class Clock {

        private Clock() {
        }

        /** The current thread's CPU time in nanoseconds; pass it to {@link ThreadCpuCounter#stop(long, int)}. */
        public static long start() {
            return THREADS.getCurrentThreadCpuTime();
        }
    }

    /** Adds the CPU time since {@code startNanos}, spent on {@code operationCount} operations. */
    public void stop(long startNanos, int operationCount) {
        cpuNanos += THREADS.getCurrentThreadCpuTime() - startNanos;
        cpuOperations += operationCount;
    }
}
