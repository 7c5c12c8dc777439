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

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@value #BLOCKS} mallocs of one size followed by their frees, in LIFO or a random order; the
 * score is the time of one malloc plus one free. Sizes 16 B to 1 MiB; each size is jittered by
 * up to 1/8 so blocks do not all share one bin.
 *
 * <p>Baseline: {@code DLMALLOC_EMSCRIPTEN} (Emscripten's default allocator) in the same run; the
 * heap persists across invocations, as a long-running program's does, so the steady state after
 * the first invocation reuses free memory.
 *
 * <p>Run (after {@code ./mvnw -B -q install -DskipTests -Dintegrations.skip && (cd benchmarks && ../mvnw -B -q package)}):
 * <pre>
 *   java -jar benchmarks/target/benchmarks.jar AllocatorMallocFreeBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class AllocatorMallocFreeBenchmark {

    /** Blocks live at once per invocation. */
    static final int BLOCKS = 64;

    /** Order of the frees. */
    public enum Order {
        /** Last allocated, first freed. */
        LIFO,
        /** A fixed random permutation. */
        RANDOM
    }

    @Param({"DLMALLOC", "DLMALLOC_EMSCRIPTEN", "EMMALLOC", "EMMALLOC_EMSCRIPTEN"})
    public AllocatorKind allocator;

    @Param({"16", "256", "4096", "65536", "1048576"})
    public long sizeBytes;

    @Param({"LIFO", "RANDOM"})
    public Order order;

    private Allocator heap;
    private final long[] sizes = new long[BLOCKS];
    private final int[] freeOrder = new int[BLOCKS];
    private final long[] blocks = new long[BLOCKS];

    @Setup(Level.Trial)
    public void setUp() {
        heap = allocator.create();
        SplittableRandom rnd = new SplittableRandom(42);
        for (int i = 0; i < BLOCKS; i++) {
            sizes[i] = sizeBytes + rnd.nextLong(sizeBytes / 8 + 1);
            freeOrder[i] = order == Order.LIFO ? BLOCKS - 1 - i : i;
        }
        if (order == Order.RANDOM) {
            for (int i = BLOCKS - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = freeOrder[i];
                freeOrder[i] = freeOrder[j];
                freeOrder[j] = t;
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(BLOCKS)
    public long mallocThenFree() {
        long sum = 0;
        for (int i = 0; i < BLOCKS; i++) {
            long p = heap.malloc(sizes[i]);
            if (p == Allocator.NULL) {
                throw new IllegalStateException("malloc(" + sizes[i] + ") failed: " + heap.errno());
            }
            blocks[i] = p;
            sum += p;
        }
        for (int i = 0; i < BLOCKS; i++) {
            heap.free(blocks[freeOrder[i]]);
        }
        return sum;
    }
}
