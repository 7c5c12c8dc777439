package dev.linmem.benchmarks.space;

import dev.linmem.benchmarks.ThreadCpuCounter;
import static dev.linmem.benchmarks.space.MapperProfile.FLAGS;
import static dev.linmem.benchmarks.space.MapperProfile.PROT;
import static dev.linmem.benchmarks.space.MapperProfile.require;

import dev.linmem.space.MemoryMapper;
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
 * What the one lock per address space costs: the same mmap/munmap pair as
 * {@link AddressSpaceOpsBenchmark#mmapMunmap} ({@code mmap(NULL, 1..16 * 4 KiB)} then
 * {@code munmap} of it), run by one thread ({@link #oneThread}) and by two threads on one shared
 * mapper ({@link #twoThreads}), LINUX and EMSCRIPTEN, each over {@value #LIVE_MAPPINGS} live
 * mappings. Both profiles take one lock per call ({@code AddressSpace}'s lock; Emscripten's list
 * lock, inside which dlmalloc takes its own).
 *
 * <p>The score is the time per pair <em>per thread</em> (JMH's average time is per thread).
 * Baseline: {@code oneThread} of the same profile in the same run. Ratio two threads / one
 * thread: 1.0 means the two threads did not slow each other (perfect scaling, twice the
 * throughput), 2.0 means the lock serialized them (the same total throughput as one thread),
 * above 2.0 means contention costs more than it gives. It means that only when the machine
 * gives the two threads two idle cores; on a loaded machine read the secondary results
 * {@code ·cpuNanos / ·cpuOperations} too (thread CPU time per pair over both threads,
 * {@link ThreadCpuCounter}), which leave out the time a thread was descheduled or parked on
 * the lock but include spinning on it.
 *
 * <p>Run (after building, see {@link AddressSpaceOpsBenchmark}):
 * <pre>
 *   java -Djmh.ignoreLock=true -jar benchmarks/target/benchmarks.jar AddressSpaceContentionBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class AddressSpaceContentionBenchmark {

    /** Live mappings set up before measuring (see {@link MapperProfile}). */
    static final int LIVE_MAPPINGS = 10_000;

    /** mmap/munmap pairs per invocation. */
    static final int PAIRS = 256;

    /** The mapper all threads share. */
    @State(Scope.Benchmark)
    public static class Shared {

        @Param({"LINUX", "EMSCRIPTEN"})
        public MapperProfile profile;

        MemoryMapper mapper;

        @Setup(Level.Trial)
        public void setUp() {
            mapper = profile.createWithLiveMappings(LIVE_MAPPINGS, 42);
        }

        @TearDown(Level.Trial)
        public void checkSteady() {
            int count = profile.mappingCount(mapper);
            if (count != LIVE_MAPPINGS) {
                throw new IllegalStateException("live mappings changed from " + LIVE_MAPPINGS + " to " + count);
            }
            mapper.checkInvariants();
        }
    }

    /** One thread's lengths: 1 to 16 pages of 4 KiB, seeded by the thread index. */
    @State(Scope.Thread)
    public static class Lengths {

        final long[] lengths = new long[PAIRS];

        @Setup(Level.Trial)
        public void setUp(ThreadParams thread) {
            SplittableRandom rnd = new SplittableRandom(thread.getThreadIndex());
            for (int i = 0; i < PAIRS; i++) {
                lengths[i] = (1 + rnd.nextInt(16)) * 4096L;
            }
        }
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(PAIRS)
    public long oneThread(Shared shared, Lengths lengths, ThreadCpuCounter cpu) {
        return pairs(shared.mapper, lengths.lengths, cpu);
    }

    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(PAIRS)
    public long twoThreads(Shared shared, Lengths lengths, ThreadCpuCounter cpu) {
        return pairs(shared.mapper, lengths.lengths, cpu);
    }

    private static long pairs(MemoryMapper mapper, long[] lengths, ThreadCpuCounter cpu) {
        long start = ThreadCpuCounter.Clock.start();
        long sum = 0;
        for (long length : lengths) {
            long p = mapper.mmap(0, length, PROT, FLAGS);
            require(p > 0, "mmap(NULL, " + length + ")", p);
            long r = mapper.munmap(p, length);
            require(r == 0, "munmap", r);
            sum += p;
        }
        cpu.stop(start, lengths.length);
        return sum;
    }
}
