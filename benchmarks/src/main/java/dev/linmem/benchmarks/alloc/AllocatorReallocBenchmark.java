package dev.linmem.benchmarks.alloc;

import dev.linmem.alloc.Allocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * A growing string buffer: {@value #STEPS} reallocs each adding {@code stepBytes}, then the
 * shrink back; with {@code neighbours = INTERLEAVED} a small allocation follows every 16th
 * step, so growth in place is blocked and the buffer must move now and then. The score is the
 * time per realloc.
 *
 * <p>Baseline: {@code DLMALLOC_EMSCRIPTEN} in the same run.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar AllocatorReallocBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class AllocatorReallocBenchmark {

    /** Growth steps per invocation (then as many shrinking steps). */
    static final int STEPS = 256;

    /** Whether other allocations interleave with the growth. */
    public enum Neighbours {
        /** Only the buffer: every growth can happen in place. */
        NONE,
        /** A 32-byte block after every 16th step. */
        INTERLEAVED
    }

    @Param({"DLMALLOC", "DLMALLOC_EMSCRIPTEN", "EMMALLOC", "EMMALLOC_EMSCRIPTEN"})
    public AllocatorKind allocator;

    @Param({"16", "1024"})
    public long stepBytes;

    @Param({"NONE", "INTERLEAVED"})
    public Neighbours neighbours;

    private Allocator heap;
    private final long[] others = new long[STEPS / 16 + 1];

    @Setup(Level.Trial)
    public void setUp() {
        heap = allocator.create();
    }

    @Benchmark
    @OperationsPerInvocation(2 * STEPS)
    public long growThenShrink() {
        long p = heap.malloc(stepBytes);
        int n = 0;
        for (int i = 2; i <= STEPS + 1; i++) {
            p = heap.realloc(p, i * stepBytes);
            if (neighbours == Neighbours.INTERLEAVED && i % 16 == 0) {
                others[n++] = heap.malloc(32);
            }
        }
        for (int i = STEPS; i >= 1; i--) {
            p = heap.realloc(p, i * stepBytes);
        }
        if (p == Allocator.NULL) {
            throw new IllegalStateException("realloc failed: " + heap.errno());
        }
        heap.free(p);
        for (int i = 0; i < n; i++) {
            heap.free(others[i]);
        }
        return p;
    }
}
