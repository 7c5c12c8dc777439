package dev.linmem.benchmarks.memory;

import dev.linmem.benchmarks.ThreadCpuCounter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
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
 * Where the time of a LinearMemory access goes, with the page-table walk taken apart: the same
 * random i32 reads and writes as {@link LinearMemoryAccessBenchmark}, through bare walks that
 * have no bounds, straddle or commit checks, against one heap {@link ByteBuffer}.
 *
 * <p>{@link Walk#PAGES} is the walk of one {@code byte[]} per 64 KiB page (the layout of a
 * memory with one-page slabs); {@link Walk#PAGES_NO_HEADER} is the same walk reading the page
 * with {@code sun.misc.Unsafe} instead of a view handle, so it never loads the page array's
 * header (the length the view handle's bounds check needs): a measurement only, which linmem
 * itself does not do; {@link Walk#SLABS} is the walk of a per-page table into 4 MiB slabs (the
 * layout of a 64 MiB wasm32 memory). Comparing them says what the header costs and what slabs
 * win back. Each walk runs in its own fork.
 *
 * <p>Run:
 * <pre>
 *   java -jar benchmarks/target/benchmarks.jar LinearMemoryTableWalkBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LinearMemoryTableWalkBenchmark {

    /** Random 8-byte aligned addresses per invocation, as in {@link LinearMemoryAccessBenchmark}. */
    static final int ACCESSES = 1 << 16;

    static final int PAGE_SHIFT = 16;

    static final int PAGE_MASK = (1 << PAGE_SHIFT) - 1;

    /** log2 of the bytes of one slab of {@link Walk#SLABS}: 4 MiB, 64 wasm pages. */
    static final int SLAB_SHIFT = 22;

    static final int SLAB_MASK = (1 << SLAB_SHIFT) - 1;

    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private static final sun.misc.Unsafe UNSAFE = unsafe();

    private static final long BYTE_ARRAY_BASE = UNSAFE == null ? 0 : UNSAFE.arrayBaseOffset(byte[].class);

    /** How an address reaches its bytes. */
    public enum Walk {
        /** One heap {@code ByteBuffer} of the whole size: the floor. */
        BUFFER,
        /** {@code table[a >>> 16]}, one {@code byte[65536]} per page, read with a view handle. */
        PAGES,
        /** As {@link #PAGES}, read with {@code Unsafe}: no load of the page array's header. */
        PAGES_NO_HEADER,
        /** {@code table[a >>> 16]} into 4 MiB {@code byte[]} slabs, read with a view handle. */
        SLABS
    }

    @Param({"BUFFER", "PAGES", "PAGES_NO_HEADER", "SLABS"})
    public Walk walk;

    @Param({"1", "64"})
    public int sizeMiB;

    private ByteBuffer buffer;
    private byte[][] table;
    private final int[] addresses = new int[ACCESSES];

    private static sun.misc.Unsafe unsafe() {
        try {
            Field field = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            return (sun.misc.Unsafe) field.get(null);
        } catch (ReflectiveOperationException | RuntimeException unavailable) {
            return null;
        }
    }

    @Setup
    public void setUp() {
        int sizeBytes = sizeMiB << 20;
        int pages = sizeBytes >>> PAGE_SHIFT;
        switch (walk) {
            case BUFFER:
                buffer = ByteBuffer.allocate(sizeBytes).order(ByteOrder.LITTLE_ENDIAN);
                break;
            case PAGES:
            case PAGES_NO_HEADER:
                if (walk == Walk.PAGES_NO_HEADER && UNSAFE == null) {
                    throw new IllegalStateException("sun.misc.Unsafe is not available on this JVM");
                }
                table = new byte[pages][];
                for (int p = 0; p < pages; p++) {
                    table[p] = new byte[1 << PAGE_SHIFT];
                }
                break;
            case SLABS:
                table = new byte[pages][];
                byte[] slab = null;
                for (int p = 0; p < pages; p++) {
                    if ((p << PAGE_SHIFT & SLAB_MASK) == 0) {
                        slab = new byte[Math.min(1 << SLAB_SHIFT, sizeBytes - (p << PAGE_SHIFT))];
                    }
                    table[p] = slab;
                }
                break;
            default:
                throw new AssertionError(walk);
        }
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < ACCESSES; i++) {
            addresses[i] = (int) (random.nextLong(sizeBytes - 8) & ~7L);
        }
    }

    @Benchmark
    @OperationsPerInvocation(ACCESSES)
    public int readI32(ThreadCpuCounter cpu) {
        long start = ThreadCpuCounter.Clock.start();
        int sum = 0;
        switch (walk) {
            case BUFFER:
                for (int address : addresses) {
                    sum += buffer.getInt(address);
                }
                break;
            case PAGES:
                for (int address : addresses) {
                    sum += (int) I32.get(table[address >>> PAGE_SHIFT], address & PAGE_MASK);
                }
                break;
            case PAGES_NO_HEADER:
                for (int address : addresses) {
                    sum += UNSAFE.getInt(table[address >>> PAGE_SHIFT], BYTE_ARRAY_BASE + (address & PAGE_MASK));
                }
                break;
            case SLABS:
                for (int address : addresses) {
                    sum += (int) I32.get(table[address >>> PAGE_SHIFT], address & SLAB_MASK);
                }
                break;
            default:
                throw new AssertionError(walk);
        }
        cpu.stop(start, ACCESSES);
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(ACCESSES)
    public void writeI32(ThreadCpuCounter cpu) {
        long start = ThreadCpuCounter.Clock.start();
        switch (walk) {
            case BUFFER:
                for (int address : addresses) {
                    buffer.putInt(address, address);
                }
                break;
            case PAGES:
                for (int address : addresses) {
                    I32.set(table[address >>> PAGE_SHIFT], address & PAGE_MASK, address);
                }
                break;
            case PAGES_NO_HEADER:
                for (int address : addresses) {
                    UNSAFE.putInt(table[address >>> PAGE_SHIFT], BYTE_ARRAY_BASE + (address & PAGE_MASK), address);
                }
                break;
            case SLABS:
                for (int address : addresses) {
                    I32.set(table[address >>> PAGE_SHIFT], address & SLAB_MASK, address);
                }
                break;
            default:
                throw new AssertionError(walk);
        }
        cpu.stop(start, ACCESSES);
    }
}
