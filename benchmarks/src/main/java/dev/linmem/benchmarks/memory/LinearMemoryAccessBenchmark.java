package dev.linmem.benchmarks.memory;

import dev.linmem.benchmarks.ThreadCpuCounter;
import dev.linmem.memory.Backing;
import dev.linmem.memory.LinearMemory;
import dev.linmem.memory.MemoryType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * i32/i64 reads and writes and 40,000-byte bulk copies on a {@link LinearMemory}, random or
 * sequential, against a single plain {@link ByteBuffer} of the same size in the same run (the
 * floor).
 *
 * <p>Compare {@code HEAP} with {@code BYTE_BUFFER} (heap) and {@code DIRECT} / {@code SHARED_DIRECT}
 * with {@code DIRECT_BYTE_BUFFER}. Goal: a LinearMemory access costs at most 1.3x the floor's.
 * Every page is committed in setup, so the numbers are steady-state access, not first-touch.
 *
 * <p>Fairness: JMH runs every combination of benchmark method and parameters in its own forked
 * JVM (even with {@code -f 1}), so each fork loads one implementation and every call site sees one
 * receiver class, as in a wasm runtime, which creates one kind of memory per process. The
 * LinearMemory and ByteBuffer loops are the same loop over the same address table; each fork
 * takes only one of the two branches. Besides the wall-clock score, read the secondary result
 * {@code ·cpuNanos / ·cpuOperations} (thread CPU time per access, see {@link ThreadCpuCounter}):
 * on a busy shared machine only that one gives ratios that mean something. {@code SHARED_HEAP}
 * and {@code SHARED_DIRECT} run the same access code as {@code HEAP} and {@code DIRECT}, and
 * {@code HEAP_GROWN} and {@code DIRECT_GROWN} the page-table path; add them with
 * {@code -p impl=...} (the goal is stated for the memory of the benchmark's size; the grown rows
 * show what a memory pays above its low slab).
 *
 * <p>Run (after {@code ./mvnw -B -q install -DskipTests && (cd benchmarks && ../mvnw -B package)}):
 * <pre>
 *   java -jar benchmarks/target/benchmarks.jar LinearMemoryAccessBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class LinearMemoryAccessBenchmark {

    /**
     * Accesses per benchmark invocation, one per entry of a precomputed table of 8-byte aligned
     * offsets (256 KiB of offsets), added to a window base: see {@link Pattern}.
     */
    static final int ACCESSES = 1 << 16;

    /** Bytes moved by one bulk copy: not a multiple of the page size, so copies straddle pages. */
    static final int COPY_BYTES = 40_000;

    /** Bulk copies per benchmark invocation. */
    static final int COPIES = 16;

    /**
     * The implementation under test; the two byte buffers are the floor. {@code HEAP} and
     * {@code DIRECT} are created at the full size, so their low slab (the initial size, up to
     * 64 MiB by default) covers every access; {@code HEAP_GROWN} and {@code DIRECT_GROWN} are
     * created with one page and grown to the size, so every access above the first page walks
     * the page table, as in a module that declares a small memory and grows it.
     */
    public enum Impl {
        BYTE_BUFFER, DIRECT_BYTE_BUFFER, HEAP, DIRECT, SHARED_HEAP, SHARED_DIRECT, HEAP_GROWN, DIRECT_GROWN
    }

    /** Where the accesses go. */
    public enum Pattern {
        /**
         * Offsets drawn at random over the whole memory, window always 0 (at 64 MiB the accesses
         * miss the caches and the TLB, at 1 MiB they mostly hit); copies between random places.
         */
        RANDOM,
        /**
         * Offsets 0, 8, 16, ... (512 KiB), the window sliding by 512 KiB per invocation so the
         * accesses sweep the whole memory in address order; copies slide along the memory.
         */
        SEQUENTIAL
    }

    @Param({"BYTE_BUFFER", "HEAP", "DIRECT_BYTE_BUFFER", "DIRECT"})
    public Impl impl;

    @Param({"RANDOM", "SEQUENTIAL"})
    public Pattern pattern;

    /** Memory size in MiB: 1 stays in cache and shows the per-access overhead; 64 does not fit any cache. */
    @Param({"1", "64"})
    public int sizeMiB;

    private ByteBuffer buffer;
    private LinearMemory memory;
    private final int[] addresses = new int[ACCESSES];
    private long copyCursor;
    private int copyIndex;
    private long sizeBytes;
    /** Added to every offset of an invocation; slides for {@link Pattern#SEQUENTIAL}. */
    private int window;

    @Setup
    public void setUp() {
        sizeBytes = (long) sizeMiB << 20;
        long pages = sizeBytes / LinearMemory.PAGE_BYTES;
        switch (impl) {
            case BYTE_BUFFER:
                buffer = ByteBuffer.allocate((int) sizeBytes).order(ByteOrder.LITTLE_ENDIAN);
                break;
            case DIRECT_BYTE_BUFFER:
                buffer = ByteBuffer.allocateDirect((int) sizeBytes).order(ByteOrder.LITTLE_ENDIAN);
                break;
            case HEAP:
                memory = LinearMemory.create(MemoryType.i32(pages), Backing.HEAP);
                break;
            case DIRECT:
                memory = LinearMemory.create(MemoryType.i32(pages), Backing.DIRECT);
                break;
            case SHARED_HEAP:
                memory = LinearMemory.create(MemoryType.i32(pages, pages).asShared(), Backing.HEAP);
                break;
            case SHARED_DIRECT:
                memory = LinearMemory.create(MemoryType.i32(pages, pages).asShared(), Backing.DIRECT);
                break;
            case HEAP_GROWN:
            case DIRECT_GROWN:
                memory = LinearMemory.create(MemoryType.i32(1), impl == Impl.HEAP_GROWN ? Backing.HEAP : Backing.DIRECT);
                memory.grow(pages - 1);
                break;
            default:
                throw new AssertionError(impl);
        }
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < ACCESSES; i++) {
            addresses[i] = pattern == Pattern.RANDOM ? (int) (random.nextLong(sizeBytes - 8) & ~7L) : i * 8;
        }
        // Every 8 bytes hold their own address. A memory is filled with bulk writes, one page at a
        // time, not with putI64: the first write into a page takes the accessor's commit branch,
        // and had setup taken it in putI64, the JIT would keep that branch, and a call, in the
        // writeI64 loop, which measures steady-state access.
        ByteBuffer page = ByteBuffer.allocate(LinearMemory.PAGE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long at = 0; at < sizeBytes; at += 8) {
            if (buffer != null) {
                buffer.putLong((int) at, at);
            } else {
                page.putLong((int) (at % LinearMemory.PAGE_BYTES), at);
                if ((at + 8) % LinearMemory.PAGE_BYTES == 0) {
                    memory.write(at + 8 - LinearMemory.PAGE_BYTES, page.duplicate());
                }
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(ACCESSES)
    public int readI32(ThreadCpuCounter cpu) {
        long start = ThreadCpuCounter.Clock.start();
        int base = nextWindow();
        int sum = 0;
        if (buffer != null) {
            for (int offset : addresses) {
                sum += buffer.getInt(base + offset);
            }
        } else {
            for (int offset : addresses) {
                sum += memory.getI32(base + offset);
            }
        }
        cpu.stop(start, ACCESSES);
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(ACCESSES)
    public long readI64(ThreadCpuCounter cpu) {
        long start = ThreadCpuCounter.Clock.start();
        int base = nextWindow();
        long sum = 0;
        if (buffer != null) {
            for (int offset : addresses) {
                sum += buffer.getLong(base + offset);
            }
        } else {
            for (int offset : addresses) {
                sum += memory.getI64(base + offset);
            }
        }
        cpu.stop(start, ACCESSES);
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(ACCESSES)
    public void writeI32(ThreadCpuCounter cpu) {
        long start = ThreadCpuCounter.Clock.start();
        int base = nextWindow();
        if (buffer != null) {
            for (int offset : addresses) {
                buffer.putInt(base + offset, offset);
            }
        } else {
            for (int offset : addresses) {
                memory.putI32(base + offset, offset);
            }
        }
        cpu.stop(start, ACCESSES);
    }

    @Benchmark
    @OperationsPerInvocation(ACCESSES)
    public void writeI64(ThreadCpuCounter cpu) {
        long start = ThreadCpuCounter.Clock.start();
        int base = nextWindow();
        if (buffer != null) {
            for (int offset : addresses) {
                buffer.putLong(base + offset, offset);
            }
        } else {
            for (int offset : addresses) {
                memory.putI64(base + offset, offset);
            }
        }
        cpu.stop(start, ACCESSES);
    }

    /** The window base for the next invocation: 0 for random offsets, sliding for sequential ones. */
    private int nextWindow() {
        if (pattern == Pattern.RANDOM) {
            return 0;
        }
        int base = window;
        window = (int) ((window + (long) ACCESSES * 8) % sizeBytes);
        return base;
    }

    /**
     * {@link #COPIES} copies of {@link #COPY_BYTES} from the first half to the second, sliding
     * along the memory ({@code SEQUENTIAL}) or from random places ({@code RANDOM}); the score is
     * per copy.
     */
    @Benchmark
    @OperationsPerInvocation(COPIES)
    public long copy(ThreadCpuCounter cpu) {
        long start = ThreadCpuCounter.Clock.start();
        long half = sizeBytes / 2;
        for (int i = 0; i < COPIES; i++) {
            long src;
            if (pattern == Pattern.RANDOM) {
                src = addresses[copyIndex] % (half - COPY_BYTES);
                copyIndex = (copyIndex + 1) & (ACCESSES - 1);
            } else {
                src = copyCursor;
                copyCursor = (copyCursor + COPY_BYTES) % (half - COPY_BYTES);
            }
            if (buffer != null) {
                buffer.put((int) (src + half), buffer, (int) src, COPY_BYTES);
            } else {
                memory.copy(src + half, src, COPY_BYTES);
            }
        }
        cpu.stop(start, COPIES);
        return copyCursor;
    }
}
