package dev.linmem.benchmarks.alloc;

import dev.linmem.alloc.Allocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A shared heap trace replayed whole on a fresh heap: every recorded malloc, calloc, realloc,
 * memalign and free in order (parsed beforehand, see {@link HeapTrace}). The score is the time
 * of one whole replay; divide by the call count for ns per call.
 *
 * <p>Baseline: {@code DLMALLOC_EMSCRIPTEN} in the same run. {@link #main} prints the footprint
 * figures instead: peak footprint over peak live bytes for every allocator and trace.
 *
 * <p>Run:
 * <pre>
 *   java -jar benchmarks/target/benchmarks.jar AllocatorTraceBenchmark -p traceDir=/work/shared/traces -f 1 -wi 2 -i 3 -w 1s -r 1s
 *   java -cp benchmarks/target/benchmarks.jar dev.linmem.benchmarks.alloc.AllocatorTraceBenchmark /work/shared/traces
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class AllocatorTraceBenchmark {

    /** The shared heap traces. */
    static final String[] TRACES = {"php-strings.malloc", "sqlite-small.malloc", "sqlite-small.ltrace"};

    @Param({"DLMALLOC", "DLMALLOC_EMSCRIPTEN", "EMMALLOC", "EMMALLOC_EMSCRIPTEN"})
    public AllocatorKind allocator;

    @Param({"php-strings.malloc", "sqlite-small.malloc"})
    public String trace;

    /** Where the shared traces are. */
    @Param({"/work/shared/traces"})
    public String traceDir;

    private HeapTrace calls;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        calls = HeapTrace.read(Path.of(traceDir, trace));
    }

    @Benchmark
    public long replay() {
        Allocator heap = allocator.create();
        return calls.replay(heap).peakFootprintBytes();
    }

    /** Prints peak footprint over peak live bytes for every allocator on every shared heap trace. */
    public static void main(String[] args) throws IOException {
        String dir = args.length > 0 ? args[0] : "/work/shared/traces";
        System.out.println("| trace | allocator | calls | peak live bytes | peak footprint | ratio |");
        System.out.println("|---|---|---:|---:|---:|---:|");
        for (String name : TRACES) {
            HeapTrace t = HeapTrace.read(Path.of(dir, name));
            for (AllocatorKind kind : AllocatorKind.values()) {
                Allocator heap = kind.create();
                HeapTrace.Result r = t.replay(heap);
                heap.checkInvariants();
                System.out.printf("| %s | %s | %,d | %,d | %,d | %.3f |%n", name, kind, r.calls(), r.peakLiveBytes(),
                        r.peakFootprintBytes(), r.ratio());
            }
        }
    }
}
