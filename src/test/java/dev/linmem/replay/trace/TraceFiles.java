package dev.linmem.replay.trace;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Test inputs: the shared traces (gzipped test resources) and inline excerpts. */
final class TraceFiles {

    private TraceFiles() {
    }

    static final String[] SHARED = {
        "php-strings.strace", "php-strings-nomremap.strace", "python-alloc.strace",
        "php-strings.malloc", "sqlite-small.ltrace", "sqlite-small.malloc",
    };

    /** The shared trace {@code name} (without .gz), compressed as stored. */
    static TraceInput shared(String name) {
        return resource("/traces/" + name + ".gz", name);
    }

    /** A classpath resource as an input named {@code name}. */
    static TraceInput resource(String path, String name) {
        try (InputStream in = TraceFiles.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return TraceInput.of(name, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Inline text as an input named {@code name}. */
    static TraceInput text(String name, String text) {
        return TraceInput.of(name, text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
