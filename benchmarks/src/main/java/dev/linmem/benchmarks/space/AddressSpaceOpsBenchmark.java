package dev.linmem.benchmarks.space;

import dev.linmem.benchmarks.ThreadCpuCounter;
import static dev.linmem.benchmarks.space.MapperProfile.FLAGS;
import static dev.linmem.benchmarks.space.MapperProfile.PROT;
import static dev.linmem.benchmarks.space.MapperProfile.require;

import dev.linmem.space.Errno;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The mmap family's operations on a mapper that already holds 100 to 1,000,000 live mappings,
 * LINUX ({@code AddressSpace}) and EMSCRIPTEN ({@code EmscriptenMmap}) side by side on
 * the same call sequences. The question: does the cost per operation stay logarithmic in the
 * number of mappings? Goal: at 1,000,000 live mappings at most 3x the cost at 100, read from one
 * run. The baseline of each row is the same operation and profile at 100 live mappings.
 *
 * <p>Both {@link MemoryMapper} implementations run call sequences valid for both (placed
 * mappings, failures of the EMSCRIPTEN profile handled), over 60,000 live mappings too (the most
 * the EMSCRIPTEN profile can hold in wasm32), and the benchmark reports thread CPU time beside
 * the wall clock.
 *
 * <p>The live mappings (see {@link MapperProfile}) are set up once per trial and every operation
 * leaves their number unchanged (checked at tear-down). What each operation does per profile:
 * <ul>
 *   <li>{@link #mmapMunmap}: {@code mmap(NULL, n * 4 KiB)} with n from 1 to 16 (the same seeded
 *       sequence for both profiles), then {@code munmap} of it. Both succeed on both profiles;
 *       EMSCRIPTEN clears the pages (memalign + memset), LINUX clears only reused pages that
 *       were written or given back.</li>
 *   <li>{@link #phpChunk}: PHP's 2 MiB chunk, page = the profile's {@code pageSizeBytes()}
 *       (4 KiB LINUX, 64 KiB EMSCRIPTEN): {@code mmap(NULL, 4 MiB - page)}, trim the head below
 *       the first 2 MiB boundary and the tail after the 2 MiB chunk with {@code munmap}, later
 *       free the chunk with {@code munmap(chunk, 2 MiB)}. LINUX: every call succeeds. EMSCRIPTEN:
 *       both trims and the chunk free fail with EINVAL (partial munmap), so the benchmark then
 *       frees the whole original mapping, the only munmap Emscripten accepts.</li>
 *   <li>{@link #growthChain}: a huge block grown in place and given back, with step S = 64 KiB:
 *       {@code mmap(NULL, S)}; {@code mremap(p, S, 2S, 0)} and {@code mremap(p, 2S, 3S, 0)}
 *       (grow in place, no move); hinted {@code mmap(p + 3S, S)} and {@code mmap(p + 4S, S)}
 *       (PHP's growth on non-Linux targets); then shrink and free: {@code munmap} of the two
 *       hinted tails, {@code mremap(p, 3S, S, 0)}, {@code munmap(p, S)}. LINUX: all 9 calls
 *       succeed in place (checked). EMSCRIPTEN: both mremaps fail with ENOMEM and both hints with
 *       EINVAL (as PHP sees them, so PHP would copy), and only the first mapping is freed.</li>
 * </ul>
 * The score is per operation as listed (one pair, one chunk, one whole chain). On a loaded
 * machine read the secondary results {@code ·cpuNanos / ·cpuOperations} (thread CPU time per
 * operation, {@link ThreadCpuCounter}) rather than the wall clock.
 *
 * <p>1,000,000 live mappings are infeasible for EMSCRIPTEN (64 KiB-aligned heap blocks in a
 * 4 GiB wasm32 memory; the trial fails at set-up saying so): its largest count is
 * {@value MapperProfile#EMSCRIPTEN_MAX_LIVE_MAPPINGS}, also run for LINUX.
 *
 * <p>Run (after {@code ./mvnw -B -q install -DskipTests -Dintegrations.skip && (cd chicory && ../mvnw -B -q install -DskipTests) && (cd benchmarks && ../mvnw -B -q package)}):
 * <pre>
 *   java -Djmh.ignoreLock=true -jar benchmarks/target/benchmarks.jar AddressSpaceOpsBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class AddressSpaceOpsBenchmark {

    /** mmap/munmap pairs per invocation. */
    static final int PAIRS = 256;

    /** PHP chunks per invocation (each maps and clears up to 4 MiB). */
    static final int CHUNKS = 8;

    /** Growth chains per invocation. */
    static final int CHAINS = 64;

    /** The largest mmap of {@link #mmapMunmap}, in 4 KiB pages. */
    static final int MAX_PAIR_PAGES = 16;

    /** PHP's chunk size and alignment ({@code ZEND_MM_CHUNK_SIZE}). */
    static final long CHUNK_BYTES = 2L << 20;

    /** The step of {@link #growthChain}: one EMSCRIPTEN page, sixteen LINUX pages. */
    static final long STEP_BYTES = 64L << 10;

    @Param({"LINUX", "EMSCRIPTEN"})
    public MapperProfile profile;

    @Param({"100", "10000", "60000", "1000000"})
    public int liveMappings;

    private MemoryMapper mapper;
    private final long[] pairLengths = new long[PAIRS];

    @Setup(Level.Trial)
    public void setUp() {
        mapper = profile.createWithLiveMappings(liveMappings, 42);
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < PAIRS; i++) {
            pairLengths[i] = (1 + rnd.nextInt(MAX_PAIR_PAGES)) * 4096L;
        }
    }

    @TearDown(Level.Trial)
    public void checkSteady() {
        int count = profile.mappingCount(mapper);
        if (count != liveMappings) {
            throw new IllegalStateException("live mappings changed from " + liveMappings + " to " + count);
        }
    }

    /** (a) {@code mmap(NULL, 1..16 pages)} then {@code munmap} of it; score per pair. */
    @Benchmark
    @OperationsPerInvocation(PAIRS)
    public long mmapMunmap(ThreadCpuCounter cpu) {
        long start = ThreadCpuCounter.Clock.start();
        long sum = 0;
        for (long length : pairLengths) {
            long p = mapper.mmap(0, length, PROT, FLAGS);
            require(p > 0, "mmap(NULL, " + length + ")", p);
            long r = mapper.munmap(p, length);
            require(r == 0, "munmap", r);
            sum += p;
        }
        cpu.stop(start, PAIRS);
        return sum;
    }

    /** (b) PHP's aligned chunk: map 4 MiB - page, trim to a 2 MiB-aligned chunk, free it; score per chunk. */
    @Benchmark
    @OperationsPerInvocation(CHUNKS)
    public long phpChunk(ThreadCpuCounter cpu) {
        long start = ThreadCpuCounter.Clock.start();
        long page = mapper.pageSizeBytes();
        long lengthBytes = 2 * CHUNK_BYTES - page;
        long sum = 0;
        for (int i = 0; i < CHUNKS; i++) {
            long p = mapper.mmap(0, lengthBytes, PROT, FLAGS);
            require(p > 0, "mmap(NULL, 4 MiB - page)", p);
            long chunk = (p + CHUNK_BYTES - 1) & -CHUNK_BYTES;
            long end = p + lengthBytes;
            long head = chunk > p ? mapper.munmap(p, chunk - p) : 0;
            long tail = end > chunk + CHUNK_BYTES ? mapper.munmap(chunk + CHUNK_BYTES, end - chunk - CHUNK_BYTES) : 0;
            long free = mapper.munmap(chunk, CHUNK_BYTES);
            if (profile == MapperProfile.LINUX) {
                require(head == 0 && tail == 0 && free == 0, "trim or free", Math.min(head, Math.min(tail, free)));
            } else {
                require(free == Errno.EINVAL.result(), "chunk free refused", free);
                long whole = mapper.munmap(p, lengthBytes);
                require(whole == 0, "munmap of the whole mapping", whole);
            }
            sum += chunk;
        }
        cpu.stop(start, CHUNKS);
        return sum;
    }

    /** (c) Grow a block in place by mremap and by hinted mmap, then shrink and free it; score per chain. */
    @Benchmark
    @OperationsPerInvocation(CHAINS)
    public long growthChain(ThreadCpuCounter cpu) {
        long start = ThreadCpuCounter.Clock.start();
        long s = STEP_BYTES;
        long sum = 0;
        for (int i = 0; i < CHAINS; i++) {
            long p = mapper.mmap(0, s, PROT, FLAGS);
            require(p > 0, "mmap(NULL, S)", p);
            long grow2 = mapper.mremap(p, s, 2 * s, 0, 0);
            long grow3 = grow2 == p ? mapper.mremap(p, 2 * s, 3 * s, 0, 0) : grow2;
            long length = grow3 == p ? 3 * s : grow2 == p ? 2 * s : s;
            long hint1 = mapper.mmap(p + length, s, PROT, FLAGS);
            long hint2 = hint1 == p + length ? mapper.mmap(p + length + s, s, PROT, FLAGS) : hint1;
            if (profile == MapperProfile.LINUX) {
                require(grow3 == p && hint1 == p + 3 * s && hint2 == p + 4 * s, "growth in place",
                        Math.min(grow3, Math.min(hint1, hint2)));
                long r = mapper.munmap(hint2, s) | mapper.munmap(hint1, s);
                require(r == 0, "munmap of the hinted tails", r);
                long shrunk = mapper.mremap(p, length, s, 0, 0);
                require(shrunk == p, "mremap shrink", shrunk);
            } else {
                require(grow2 == Errno.ENOMEM.result() && hint1 == Errno.EINVAL.result(), "refused growth",
                        Math.max(grow2, hint1));
            }
            long r = mapper.munmap(p, s);
            require(r == 0, "munmap(p, S)", r);
            sum += p;
        }
        cpu.stop(start, CHAINS);
        return sum;
    }
}
