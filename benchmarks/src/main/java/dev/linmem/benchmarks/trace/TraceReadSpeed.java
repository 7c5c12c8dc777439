package dev.linmem.benchmarks.trace;

import dev.linmem.replay.trace.EventCursor;
import dev.linmem.replay.trace.Trace;
import dev.linmem.replay.trace.TraceConverter;
import dev.linmem.replay.trace.TraceInput;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Best-of-N parse speed of each given trace, as text and converted to the compact format, from
 * bytes in memory: a complement to {@link TraceReaderParseBenchmark} on a shared, loaded machine,
 * where the fastest of many whole-file reads is a steadier figure than a mean.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.linmem.benchmarks.trace.TraceReadSpeed
 * ../shared/traces/*.strace ../shared/traces/*.malloc ../shared/traces/*.ltrace}
 */
public final class TraceReadSpeed {

    /** Whole-file reads per input; the fastest counts. */
    private static final int ROUNDS = 40;

    private TraceReadSpeed() {
    }

    public static void main(String[] args) throws Exception {
        System.out.printf("%-30s %-8s %8s %10s %12s%n", "trace", "form", "events", "best ms", "events/s");
        for (String file : args) {
            byte[] text = Files.readAllBytes(Path.of(file));
            Trace trace = Trace.open(TraceInput.of(file, text));
            ByteArrayOutputStream compact = new ByteArrayOutputStream();
            TraceConverter.convert(trace, compact);
            String name = Path.of(file).getFileName().toString();
            report(name, trace.format().formatName(), trace);
            report(name, "compact", Trace.open(TraceInput.of(file, compact.toByteArray())));
        }
    }

    private static void report(String name, String form, Trace trace) throws Exception {
        long best = Long.MAX_VALUE;
        long events = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long start = System.nanoTime();
            events = 0;
            try (EventCursor cursor = trace.cursor()) {
                while (cursor.next() != null) {
                    events++;
                }
            }
            best = Math.min(best, System.nanoTime() - start);
        }
        System.out.printf("%-30s %-8s %8d %10.2f %12.0f%n", name, form, events, best / 1e6, events * 1e9 / best);
    }
}
