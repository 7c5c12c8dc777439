package dev.linmem.benchmarks.space;

import dev.linmem.memory.LinearMemory;
import dev.linmem.memory.MemoryType;
import dev.linmem.space.AddressSpace;
import dev.linmem.space.Errno;
import dev.linmem.space.Mman;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The LINUX profile's mmap family with 100, 10,000 and 1,000,000 live mappings: an mmap/munmap
 * pair, PHP's 2 MiB chunk pattern (map 4 MiB - 4 KiB, trim head and tail, unmap) and an
 * in-place growth chain (map one page, grow it in place eight times by mremap, unmap). The
 * score is the time per system call.
 *
 * <p>Layout: 4 KiB map pages over a memory64 memory (lazy commit, never written); the live
 * mappings are one page each with a one-page gap after each, so the mapping tree and the gap
 * index both hold n entries; a free area above them takes the chunks and the growth chains.
 *
 * <p>Baseline: the same benchmark with 100 live mappings. Every operation is O(log n), so the
 * 1,000,000 run should cost at most 3x the 100 run per call.
 *
 * <p>Run (after {@code ./mvnw -B -q install -DskipTests && (cd benchmarks && ../mvnw -B package)}):
 * <pre>
 *   java -jar benchmarks/target/benchmarks.jar AddressSpaceOpsBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class AddressSpaceOpsBenchmark {

    static final long PAGE = 4096;
    static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    static final int ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;
    static final long CHUNK = 2L << 20;

    @Param({"100", "10000", "1000000"})
    public int liveMappings;

    private AddressSpace space;
    private long freeArea;

    @Setup(Level.Trial)
    public void setUp() {
        long livePages = 2L * liveMappings;
        long wasmPages = (livePages * PAGE + (64L << 20)) / LinearMemory.PAGE_BYTES + 1;
        LinearMemory memory = LinearMemory.builder(MemoryType.i64(1, wasmPages)).hostLimitPages(wasmPages).build();
        space = AddressSpace.builder(memory).pageSizeBytes(PAGE).maxMappingCount(Integer.MAX_VALUE).build();
        long base = space.baseAddress();
        for (long i = 0; i < liveMappings; i++) {
            check(space.mmap(base + 2 * i * PAGE, PAGE, RW, ANON | Mman.MAP_FIXED_NOREPLACE));
        }
        freeArea = (base + livePages * PAGE + CHUNK - 1) & -CHUNK;
        // A guard just below the free area keeps the one-page holes full-sized and unreachable.
        check(space.mmap(freeArea - PAGE, PAGE, RW, ANON | Mman.MAP_FIXED_NOREPLACE));
    }

    /** mmap of one page (first fit: lands in the lowest hole between live mappings), then munmap. */
    @Benchmark
    @OperationsPerInvocation(2)
    public long mmapMunmapPair() {
        long a = check(space.mmap(0, PAGE, RW, ANON));
        return check(space.munmap(a, PAGE)) + a;
    }

    /** PHP's chunk: map 4 MiB - 4 KiB, unmap the unaligned head and the tail, later unmap the chunk. */
    @Benchmark
    @OperationsPerInvocation(4)
    public long phpChunkPattern() {
        long a = check(space.mmap(freeArea + CHUNK / 2, 2 * CHUNK - PAGE, RW, ANON));
        long aligned = (a + CHUNK - 1) & -CHUNK;
        check(space.munmap(a, aligned - a));
        check(space.munmap(aligned + CHUNK, a + 2 * CHUNK - PAGE - aligned - CHUNK));
        check(space.munmap(aligned, CHUNK));
        return aligned;
    }

    /** One page mapped in the free area, grown in place eight times by one page, unmapped. */
    @Benchmark
    @OperationsPerInvocation(10)
    public long inPlaceGrowthChain() {
        long a = check(space.mmap(freeArea, PAGE, RW, ANON | Mman.MAP_FIXED_NOREPLACE));
        for (long pages = 1; pages < 9; pages++) {
            check(space.mremap(a, pages * PAGE, (pages + 1) * PAGE, 0, 0));
        }
        return check(space.munmap(a, 9 * PAGE)) + a;
    }

    private static long check(long result) {
        if (Errno.isError(result)) {
            throw new IllegalStateException("unexpected " + Errno.of(result));
        }
        return result;
    }
}
