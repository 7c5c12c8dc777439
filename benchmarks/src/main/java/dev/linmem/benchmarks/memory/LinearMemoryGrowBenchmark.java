package dev.linmem.benchmarks.memory;

import dev.linmem.benchmarks.ThreadCpuCounter;
import dev.linmem.memory.Backing;
import dev.linmem.memory.LinearMemory;
import dev.linmem.memory.MemoryType;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Growing a memory one wasm page at a time from empty to 64 MiB (1,024 pages) and to 1 GiB
 * (16,384 pages); the score is the time per grown page, including creating the memory.
 *
 * <p>The baseline is the same implementation's 64 MiB run: growth must cost O(delta), never
 * O(size), so the 1 GiB time per page should be at most 1.5x the 64 MiB one. {@code touch =
 * FIRST_BYTE} also writes one byte into every new page, adding the cost of committing it
 * (allocating 64 KiB of zeroed backing); {@code NONE} measures growth alone (lazy commit).
 * The secondary results {@code ·cpuNanos / ·cpuOperations} give the thread CPU time per grown page (see
 * {@link ThreadCpuCounter}); it excludes time the thread was descheduled, but not GC threads' work.
 *
 * <p>Run (after {@code ./mvnw -B -q install -DskipTests && (cd benchmarks && ../mvnw -B package)}):
 * <pre>
 *   java -jar benchmarks/target/benchmarks.jar LinearMemoryGrowBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g", "-XX:MaxDirectMemorySize=3g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class LinearMemoryGrowBenchmark {

    /** Pages in 64 MiB. */
    static final int PAGES_64_MIB = 1 << 10;

    /** Pages in 1 GiB. */
    static final int PAGES_1_GIB = 1 << 14;

    /** Backing and sharing of the memory grown. */
    public enum Impl {
        HEAP, DIRECT, SHARED_HEAP
    }

    /** What happens to each new page after it is grown. */
    public enum Touch {
        NONE, FIRST_BYTE
    }

    @Param({"HEAP", "DIRECT", "SHARED_HEAP"})
    public Impl impl;

    @Param({"NONE", "FIRST_BYTE"})
    public Touch touch;

    @Benchmark
    @OperationsPerInvocation(PAGES_64_MIB)
    public long growTo64MiB(ThreadCpuCounter cpu) {
        long start = ThreadCpuCounter.Clock.start();
        long pages = growTo(PAGES_64_MIB);
        cpu.stop(start, PAGES_64_MIB);
        return pages;
    }

    @Benchmark
    @OperationsPerInvocation(PAGES_1_GIB)
    public long growTo1GiB(ThreadCpuCounter cpu) {
        long start = ThreadCpuCounter.Clock.start();
        long pages = growTo(PAGES_1_GIB);
        cpu.stop(start, PAGES_1_GIB);
        return pages;
    }

    private long growTo(int pages) {
        LinearMemory memory = create();
        boolean touchPages = touch == Touch.FIRST_BYTE;
        for (int page = 0; page < pages; page++) {
            long old = memory.grow(1);
            if (touchPages) {
                memory.putI8(old * LinearMemory.PAGE_BYTES, (byte) 1);
            }
        }
        return memory.pages();
    }

    private LinearMemory create() {
        switch (impl) {
            case HEAP:
                return LinearMemory.create(MemoryType.i32(0), Backing.HEAP);
            case DIRECT:
                return LinearMemory.create(MemoryType.i32(0), Backing.DIRECT);
            case SHARED_HEAP:
                return LinearMemory.create(MemoryType.i32(0, 65_536).asShared(), Backing.HEAP);
            default:
                throw new AssertionError(impl);
        }
    }
}
