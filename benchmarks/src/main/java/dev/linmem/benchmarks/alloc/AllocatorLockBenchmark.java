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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The cost of the one lock per heap (as in Emscripten): 16 small mallocs then their frees, by
 * one thread and by two threads sharing the heap. With a perfect lock the two-thread time per
 * operation would be the one-thread time (the work is serialised either way); the excess is what
 * contention costs.
 *
 * <p>Baseline: {@code oneThread} of the same allocator in the same run.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar AllocatorLockBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class AllocatorLockBenchmark {

    /** Blocks per invocation. */
    static final int BLOCKS = 16;

    @Param({"DLMALLOC_EMSCRIPTEN", "EMMALLOC_EMSCRIPTEN"})
    public AllocatorKind allocator;

    private Allocator heap;

    @Setup(Level.Trial)
    public void setUp() {
        heap = allocator.create();
    }

    /** One thread's blocks. */
    @State(Scope.Thread)
    public static class Blocks {
        final long[] ptrs = new long[BLOCKS];
    }

    private long mallocThenFree(Blocks b) {
        long sum = 0;
        for (int i = 0; i < BLOCKS; i++) {
            b.ptrs[i] = heap.malloc(24 + 8 * i);
            sum += b.ptrs[i];
        }
        for (int i = BLOCKS - 1; i >= 0; i--) {
            heap.free(b.ptrs[i]);
        }
        return sum;
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(BLOCKS)
    public long oneThread(Blocks b) {
        return mallocThenFree(b);
    }

    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(BLOCKS)
    public long twoThreads(Blocks b) {
        return mallocThenFree(b);
    }
}
