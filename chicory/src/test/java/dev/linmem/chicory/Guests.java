package dev.linmem.chicory;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/** Loads the committed guest binaries and runs them on Chicory. */
final class Guests {

    /** How Chicory executes a guest. */
    enum Engine {
        INTERPRETER,
        COMPILER
    }

    private Guests() {
    }

    static byte[] bytes(String name) {
        try (InputStream in = Guests.class.getResourceAsStream("/guests/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing guest resource /guests/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static WasmModule module(String name) {
        return Parser.parse(bytes(name));
    }

    /** A started instance plus what it printed. */
    record Run(Instance instance, WasiPreview1 wasi, ByteArrayOutputStream stdout) {
        String output() {
            return stdout.toString(StandardCharsets.UTF_8);
        }
    }

    /**
     * Instantiates {@code name} with WASI, the given memory factory and extra host functions,
     * on the given engine, without running its start function.
     */
    static Run instantiate(String name, Engine engine, Function<MemoryLimits, Memory> memoryFactory,
                           HostFunction... extra) {
        WasmModule module = module(name);
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        WasiPreview1 wasi = WasiPreview1.builder()
                .withOptions(WasiOptions.builder().withStdout(stdout).withStderr(stdout).build())
                .build();
        ImportValues imports = ImportValues.builder()
                .addFunction(wasi.toHostFunctions())
                .addFunction(extra)
                .build();
        Instance.Builder builder = Instance.builder(module)
                .withImportValues(imports)
                .withMemoryFactory(memoryFactory)
                .withStart(false);
        if (engine == Engine.COMPILER) {
            builder.withMachineFactory(MachineFactoryCompiler.compile(module));
        }
        return new Run(builder.build(), wasi, stdout);
    }

    /** Runs a WASI command's {@code _start}; returns its exit code. */
    static int runCommand(Run run) {
        try {
            run.instance().export("_start").apply();
            return 0;
        } catch (WasiExitException exit) {
            return exit.exitCode();
        } finally {
            run.wasi().close();
        }
    }
}
