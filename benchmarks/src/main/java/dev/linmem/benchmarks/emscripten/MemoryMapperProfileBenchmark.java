package dev.linmem.benchmarks.emscripten;

import dev.linmem.emscripten.EmscriptenMmap;
import dev.linmem.memory.LinearMemory;
import dev.linmem.memory.MemoryType;
import dev.linmem.space.AddressSpace;
import dev.linmem.space.Errno;
import dev.linmem.space.MemoryMapper;
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
 * The two profiles behind {@link MemoryMapper} on the same call sequences: LINUX (an
 * {@link AddressSpace} with 64 KiB map pages, what Emscripten's {@code getpagesize()} reports)
 * and EMSCRIPTEN ({@link EmscriptenMmap} over dlmalloc in Emscripten's configuration), each with
 * 100 or 1,000 live one-page mappings made by plain {@code mmap(NULL, ...)} calls. The score is
 * the time per call.
 *
 * <p>Baseline: LINUX at the same number of live mappings. The EMSCRIPTEN profile cannot hold
 * {@code AddressSpaceOpsBenchmark}'s 1,000,000 mappings: every mapping is a malloc block aligned
 * to 64 KiB, so a million of them need 64 GiB.
 *
 * <p>{@code phpChunkPattern} is PHP's chunk allocation and release (map 4 MiB - 4 KiB, unmap the
 * head and the tail, later unmap the chunk: four calls). Under EMSCRIPTEN the three unmaps are
 * refused and the whole mapping would leak, so the benchmark adds a fifth call, a whole munmap,
 * to keep the heap bounded; the score still divides by four.
 *
 * <p>Run (after {@code ./mvnw -B -q install -DskipTests && (cd benchmarks && ../mvnw -B package)}):
 * <pre>
 *   java -jar benchmarks/target/benchmarks.jar MemoryMapperProfileBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class MemoryMapperProfileBenchmark {

    static final long PAGE = 65_536;
    static final long CHUNK = 2L << 20;
    static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    static final int ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;

    /** Which mmap family answers. */
    public enum Profile {
        /** The address space: Linux's semantics. */
        LINUX,
        /** Emscripten's emulation over dlmalloc. */
        EMSCRIPTEN
    }

    @Param({"LINUX", "EMSCRIPTEN"})
    public Profile profile;

    @Param({"100", "1000"})
    public int liveMappings;

    private MemoryMapper mapper;

    @Setup(Level.Trial)
    public void setUp() {
        LinearMemory memory = LinearMemory.create(MemoryType.i32(1, 65_536));
        mapper = profile == Profile.LINUX ? AddressSpace.builder(memory).pageSizeBytes(PAGE).build()
                : EmscriptenMmap.create(memory);
        for (int i = 0; i < liveMappings; i++) {
            check(mapper.mmap(0, PAGE, RW, ANON));
        }
    }

    /** mmap of one 64 KiB page, then its munmap: the one sequence both profiles accept whole. */
    @Benchmark
    @OperationsPerInvocation(2)
    public long mmapMunmapPair() {
        long a = check(mapper.mmap(0, PAGE, RW, ANON));
        return check(mapper.munmap(a, PAGE)) + a;
    }

    /** PHP's chunk: map 4 MiB - 4 KiB, trim the unaligned head and the tail, unmap the chunk. */
    @Benchmark
    @OperationsPerInvocation(4)
    public long phpChunkPattern() {
        long length = 2 * CHUNK - 4096;
        long a = check(mapper.mmap(0, length, RW, ANON));
        long aligned = (a + CHUNK - 1) & -CHUNK;
        long refused = 0;
        if (aligned > a) {
            refused += mapper.munmap(a, aligned - a);
        }
        refused += mapper.munmap(aligned + CHUNK, a + length - aligned - CHUNK);
        refused += mapper.munmap(aligned, CHUNK);
        if (profile == Profile.EMSCRIPTEN) {
            check(mapper.munmap(a, length)); // the release PHP itself never makes
        }
        return aligned + refused;
    }

    private static long check(long result) {
        if (Errno.isError(result)) {
            throw new IllegalStateException("unexpected " + Errno.of(result));
        }
        return result;
    }
}
