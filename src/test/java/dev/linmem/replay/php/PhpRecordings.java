package dev.linmem.replay.php;

import dev.linmem.replay.RecordedTrace;
import dev.linmem.replay.trace.Trace;
import dev.linmem.replay.trace.TraceEvent;
import dev.linmem.replay.trace.TraceInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The shared PHP recordings (gzipped test resources), read once per test run. */
final class PhpRecordings {

    static final String STRACE = "php-strings.strace";
    static final String NOMREMAP = "php-strings-nomremap.strace";
    static final String MALLOC = "php-strings.malloc";

    private static final Map<String, RecordedTrace> CACHE = new HashMap<>();

    private PhpRecordings() {
    }

    /** The largest address space of the shared recording {@code name}, as the replayer replays it. */
    static synchronized RecordedTrace recorded(String name) {
        return CACHE.computeIfAbsent(name, PhpRecordings::read);
    }

    /** Its events, address-space start dropped. */
    static List<TraceEvent> events(String name) {
        return recorded(name).events();
    }

    private static RecordedTrace read(String name) {
        String path = "/traces/" + name + ".gz";
        try (InputStream in = PhpRecordings.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return RecordedTrace.of(Trace.open(TraceInput.of(name, in.readAllBytes())).load(), -1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
