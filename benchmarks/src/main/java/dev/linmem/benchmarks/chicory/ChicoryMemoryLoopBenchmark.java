package dev.linmem.benchmarks.chicory;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ByteBufferMemory;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.linmem.chicory.LinmemMemory;
import dev.linmem.memory.Backing;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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

/**
 * A memory-heavy wasm guest loop (chicory/guests/memory_loop.c: one round streams 32- and
 * 64-bit loads and stores over 1 MiB, then a 512 KiB memory.copy and a 4 KiB memory.fill) on
 * Chicory with its own default memory ({@code CHICORY_DEFAULT}, the baseline) and with the
 * linmem adapter, on Chicory's interpreter and its compiler, in the same run. Goal: the linmem
 * adapter within 1.2x of the baseline.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar ChicoryMemoryLoopBenchmark -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ChicoryMemoryLoopBenchmark {

    /** The guest's memory. */
    public enum MemoryKind {
        /** Chicory's default memory (ByteBufferMemory), the baseline. */
        CHICORY_DEFAULT(ByteBufferMemory::new),
        /** The linmem adapter over heap page buffers. */
        LINMEM_HEAP(limits -> LinmemMemory.of(limits, Backing.HEAP)),
        /** The linmem adapter over direct page buffers. */
        LINMEM_DIRECT(limits -> LinmemMemory.of(limits, Backing.DIRECT));

        final Function<MemoryLimits, Memory> factory;

        MemoryKind(Function<MemoryLimits, Memory> factory) {
            this.factory = factory;
        }
    }

    /** How Chicory runs the guest. */
    public enum Engine { INTERPRETER, COMPILER }

    @Param
    public MemoryKind memory;

    @Param
    public Engine engine;

    private Instance instance;

    @Setup(Level.Trial)
    public void instantiate() throws IOException {
        WasmModule module;
        try (InputStream in = ChicoryMemoryLoopBenchmark.class.getResourceAsStream("/guests/memory_loop.wasm")) {
            module = Parser.parse(in.readAllBytes());
        }
        Instance.Builder builder = Instance.builder(module)
                .withImportValues(ImportValues.empty())
                .withMemoryFactory(memory.factory);
        if (engine == Engine.COMPILER) {
            builder.withMachineFactory(MachineFactoryCompiler.compile(module));
        }
        instance = builder.build();
        instance.export("_initialize").apply();
    }

    /** One round of the guest loop; returns the guest's checksum. */
    @Benchmark
    public long round() {
        return instance.export("run").apply(1)[0];
    }
}
