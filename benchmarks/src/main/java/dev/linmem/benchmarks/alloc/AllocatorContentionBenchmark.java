package dev.linmem.benchmarks.alloc;

import dev.linmem.alloc.Allocator;
import dev.linmem.benchmarks.ThreadCpuCounter;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * What one lock per heap costs: {@value #BLOCKS} mallocs of 16 to 4096 bytes (seeded by the
 * thread index) then their frees in the same order, by one thread ({@link #oneThread}) and by two
 * threads on one shared heap ({@link #twoThreads}); Dlmalloc and Emmalloc, each in Emscripten's
 * configuration over {@code HeapSource.emscriptenSbrk(memory)} ({@link
 * AllocatorKind#DLMALLOC_EMSCRIPTEN}, {@link AllocatorKind#EMMALLOC_EMSCRIPTEN}). Every malloc
 * and free takes the heap's one lock, as in Emscripten.
 *
 * <p>The score is the time of one malloc plus one free <em>per thread</em>. Baseline:
 * {@code oneThread} of the same allocator in the same run. Ratio two threads / one thread: 1.0
 * is perfect scaling, 2.0 is full serialization on the lock, above 2.0 contention costs extra.
 * On a loaded machine read the secondary results {@code ·cpuNanos / ·cpuOperations} too (thread
 * CPU time per malloc + free over both threads, {@link ThreadCpuCounter}).
 *
 * <p>Run (after building, see {@code benchmarks/README.md}):
 * <pre>
 *   java -Djmh.ignoreLock=true -jar benchmarks/target/benchmarks.jar AllocatorContentionBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class AllocatorContentionBenchmark {

    /** Blocks each thread holds at once per invocation. */
    static final int BLOCKS = 64;

    /** Smallest request. */
    static final int MIN_BYTES = 16;

    /** Largest request. */
    static final int MAX_BYTES = 4096;

    /** The heap all threads share. */
    @State(Scope.Benchmark)
    public static class Shared {

        @Param({"DLMALLOC_EMSCRIPTEN", "EMMALLOC_EMSCRIPTEN"})
        public AllocatorKind allocator;

        Allocator heap;

        @Setup(Level.Trial)
        public void setUp() {
            heap = allocator.create();
        }

        @TearDown(Level.Trial)
        public void check() {
            heap.checkInvariants();
            if (heap.stats().liveBlocks() != 0) {
                throw new IllegalStateException(heap.stats().liveBlocks() + " blocks left live");
            }
        }
    }

    /** One thread's request sizes and block slots. */
    @State(Scope.Thread)
    public static class Blocks {

        final long[] sizes = new long[BLOCKS];
        final long[] blocks = new long[BLOCKS];

        @Setup(Level.Trial)
        public void setUp(ThreadParams thread) {
            SplittableRandom rnd = new SplittableRandom(thread.getThreadIndex());
            for (int i = 0; i < BLOCKS; i++) {
                sizes[i] = MIN_BYTES + rnd.nextInt(MAX_BYTES - MIN_BYTES + 1);
            }
        }
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(BLOCKS)
    public long oneThread(Shared shared, Blocks blocks, ThreadCpuCounter cpu) {
        return mallocThenFree(shared.heap, blocks, cpu);
    }

    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(BLOCKS)
    public long twoThreads(Shared shared, Blocks blocks, ThreadCpuCounter cpu) {
        return mallocThenFree(shared.heap, blocks, cpu);
    }

    private static long mallocThenFree(Allocator heap, Blocks b, ThreadCpuCounter cpu) {
        long start = ThreadCpuCounter.Clock.start();
        long sum = 0;
        for (int i = 0; i < BLOCKS; i++) {
            long p = heap.malloc(b.sizes[i]);
            if (p == Allocator.NULL) {
                throw new IllegalStateException("malloc(" + b.sizes[i] + ") failed: " + heap.errno());
            }
            b.blocks[i] = p;
            sum += p;
        }
        for (int i = 0; i < BLOCKS; i++) {
            heap.free(b.blocks[i]);
        }
        cpu.stop(start, BLOCKS);
        return sum;
    }
}
