package dev.linmem.replay;

import dev.linmem.replay.trace.LoadedTrace;
import dev.linmem.replay.trace.Trace;
import dev.linmem.replay.trace.TraceInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The shared traces (test resources, gzipped), loaded once per test run. */
final class SharedTraces {

    static final List<String> NAMES = List.of("php-strings.strace", "php-strings-nomremap.strace",
            "python-alloc.strace", "php-strings.malloc", "sqlite-small.ltrace", "sqlite-small.malloc");

    private static final Map<String, RecordedTrace> CACHE = new ConcurrentHashMap<>();

    private SharedTraces() {
    }

    static RecordedTrace get(String name) {
        return CACHE.computeIfAbsent(name, SharedTraces::load);
    }

    static LoadedTrace loaded(String name) {
        String resource = "/traces/" + name + ".gz";
        try (InputStream in = SharedTraces.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return Trace.open(TraceInput.of(name, in.readAllBytes())).load();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RecordedTrace load(String name) {
        return RecordedTrace.of(loaded(name), -1);
    }
}
