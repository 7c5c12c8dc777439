package dev.linmem.benchmarks.trace;

import dev.linmem.replay.trace.EventCursor;
import dev.linmem.replay.trace.Trace;
import dev.linmem.replay.trace.TraceConverter;
import dev.linmem.replay.trace.TraceEvent;
import dev.linmem.replay.trace.TraceFormat;
import dev.linmem.replay.trace.TraceInput;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parse speed of the trace readers: one whole shared trace streamed through its reader's
 * cursor per operation, from bytes in memory (no disk), in its text form and converted to
 * linmem's compact form. Events per second = the trace's events / the time per operation.
 *
 * <p>Baseline in the same run: {@link #readLinesBaseline} splits the same text into lines with
 * {@link BufferedReader} and nothing else, the floor any text reader pays.
 *
 * <p>Run (after {@code ./mvnw -B -q install -DskipTests && (cd benchmarks && ../mvnw -B package)}),
 * with the shared traces' directory:
 * <pre>
 *   java -jar benchmarks/target/benchmarks.jar TraceReaderParseBenchmark -p traceDir=../shared/traces \
 *       -f 1 -wi 2 -i 3 -w 1s -r 1s
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class TraceReaderParseBenchmark {

    /** A shared trace's file name (the directory is {@link #traceDir}). */
    @Param({"php-strings.strace", "python-alloc.strace", "php-strings.malloc", "sqlite-small.ltrace",
        "sqlite-small.malloc"})
    public String trace;

    /** Where the shared traces are. */
    @Param("../shared/traces")
    public String traceDir;

    private byte[] text;
    private byte[] compact;
    private TraceFormat format;

    @Setup
    public void setUp() throws IOException {
        text = Files.readAllBytes(Path.of(traceDir, trace));
        Trace t = Trace.open(TraceInput.of(trace, text));
        format = t.format();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TraceConverter.convert(t, out);
        compact = out.toByteArray();
    }

    private static long drain(Trace t) throws IOException {
        long sum = 0;
        try (EventCursor cursor = t.cursor()) {
            for (TraceEvent e = cursor.next(); e != null; e = cursor.next()) {
                sum += e.line();
            }
        }
        return sum;
    }

    /** The text form through its reader (format known, no detection). */
    @Benchmark
    public long parseText() throws IOException {
        return drain(Trace.of(TraceInput.of(trace, text), format));
    }

    /** The compact form through the compact reader. */
    @Benchmark
    public long parseCompact() throws IOException {
        return drain(Trace.of(TraceInput.of(trace, compact), TraceFormat.COMPACT));
    }

    /** The floor: the text split into lines, nothing parsed. */
    @Benchmark
    public long readLinesBaseline() throws IOException {
        long sum = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(text),
                StandardCharsets.ISO_8859_1), 1 << 16)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                sum += line.length();
            }
        }
        return sum;
    }
}
