package dev.linmem.alloc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linmem.memory.LinearMemory;
import dev.linmem.memory.MemoryType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The shared heap traces (the LD_PRELOAD recorder's {@code .malloc} and ltrace's output)
 * replayed on {@link Emmalloc}, in both modes, to the end: every recorded malloc-family call in
 * order, recorded pointers translated to ours, the first bytes of every block stamped and
 * verified at free and realloc, the heap validated every 10,000 calls and at the end, then
 * everything freed and the heap validated again. The zend_alloc mmap calls in the PHP trace are
 * not heap calls and are skipped; a free of a pointer the recording never returned (made before
 * the recorder started, or a call ltrace missed) is skipped and counted, and an address the
 * recording hands out again before its free was seen is freed first.
 */
class EmmallocTraceReplayTest {

    static final Path TRACES = Path.of(System.getProperty("linmem.traces", "/work/shared/traces"));

    /** {@code [tid ][lib->]name(args) = result}. */
    static final Pattern CALL = Pattern.compile("^\\d+\\s+(?:\\S+->)?(\\w+)\\(([^)]*)\\)\\s*=\\s*(\\S+)");

    /** Bytes stamped at the start of each block. */
    static final int STAMP_BYTES = 16;

    record Replay(long calls, long skipped, long peakLiveBytes, long peakFootprintBytes, long liveAtEnd) {
    }

    static long number(String s) {
        s = s.trim();
        if (s.equals("0") || s.equals("NULL") || s.equals("0x0")) {
            return 0;
        }
        return s.startsWith("0x") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseLong(s);
    }

    static final class Replayer {
        final Emmalloc heap;
        final Map<Long, long[]> blocks = new HashMap<>(); // recorded pointer -> {our pointer, size}
        long calls;
        long skipped;
        long liveBytes;
        long peakLiveBytes;

        Replayer(Emmalloc heap) {
            this.heap = heap;
        }

        void stamp(long recorded, long ours, long size) {
            int n = (int) Math.min(size, STAMP_BYTES);
            for (int i = 0; i < n; i++) {
                heap.memory().putI8(ours + i, (byte) (recorded * 31 + i));
            }
            blocks.put(recorded, new long[] {ours, size});
            liveBytes += size;
            peakLiveBytes = Math.max(peakLiveBytes, liveBytes);
        }

        void check(long recorded, long ours, long bytes) {
            int n = (int) Math.min(bytes, STAMP_BYTES);
            for (int i = 0; i < n; i++) {
                assertThat(heap.memory().getI8(ours + i)).as("stamp of %x byte %d", recorded, i)
                        .isEqualTo((byte) (recorded * 31 + i));
            }
        }

        void allocated(long recorded, long ours, long size) {
            assertThat(ours).as("call %d: allocation of %d bytes", calls, size).isNotZero();
            if (blocks.containsKey(recorded)) {
                free(recorded); // the recording reused an address whose free it did not see
                skipped++;
            }
            stamp(recorded, ours, size);
        }

        void free(long recorded) {
            long[] b = blocks.remove(recorded);
            if (b == null) {
                skipped++;
                return;
            }
            check(recorded, b[0], b[1]);
            heap.free(b[0]);
            liveBytes -= b[1];
        }

        void realloc(long recordedOld, long size, long recordedNew) {
            long[] b = recordedOld == 0 ? null : blocks.remove(recordedOld);
            if (recordedOld != 0 && b == null) {
                skipped++;
                allocated(recordedNew, heap.malloc(size), size);
                return;
            }
            long ours = heap.realloc(b == null ? 0 : b[0], size);
            if (b != null) {
                liveBytes -= b[1];
                check(recordedOld, ours, Math.min(b[1], size));
            }
            if (size != 0) {
                allocated(recordedNew, ours, size);
            }
        }

        void apply(String name, String[] args, long result) {
            switch (name) {
                case "malloc" -> allocated(result, heap.malloc(number(args[0])), number(args[0]));
                case "calloc" -> allocated(result, heap.calloc(number(args[0]), number(args[1])),
                        number(args[0]) * number(args[1]));
                case "realloc" -> realloc(number(args[0]), number(args[1]), result);
                case "free" -> free(number(args[0]));
                case "memalign", "aligned_alloc" -> allocated(result,
                        heap.memalign(number(args[0]), number(args[1])), number(args[1]));
                case "posix_memalign" -> {
                    long[] out = {0};
                    assertThat(heap.posixMemalign(out, number(args[1]), number(args[2]))).isZero();
                    allocated(number(args[0]), out[0], number(args[2]));
                }
                default -> {
                    skipped++; // mmap, munmap, mremap: zend_alloc's own pages, not the heap's
                    return;
                }
            }
            calls++;
        }
    }

    static Replay replay(Path trace, Function<HeapSource, Emmalloc> make) throws IOException {
        Emmalloc heap = make.apply(HeapSource.emscriptenSbrk(LinearMemory.create(MemoryType.i32(1, 65_536))));
        Replayer r = new Replayer(heap);
        List<String> lines = Files.readAllLines(trace);
        for (String line : lines) {
            Matcher m = CALL.matcher(line);
            if (!m.find()) {
                continue;
            }
            long result = m.group(3).startsWith("<") ? 0 : number(m.group(3));
            String name = m.group(1);
            String[] args = m.group(2).split(",");
            boolean failed = switch (name) {
                case "free" -> false;
                case "posix_memalign" -> result != 0;
                case "realloc" -> result == 0 && number(args[1]) != 0;
                default -> result == 0;
            };
            if (failed) {
                continue; // a recorded failure: nothing to replay
            }
            r.apply(name, args, result);
            if (r.calls % 10_000 == 0) {
                heap.checkInvariants();
            }
        }
        heap.checkInvariants();
        AllocatorStats atEnd = heap.stats();
        assertThat(atEnd.liveBlocks()).isEqualTo(r.blocks.size());
        assertThat(atEnd.liveBytes()).isEqualTo(r.liveBytes);
        for (long recorded : r.blocks.keySet().toArray(new Long[0])) {
            r.free(recorded);
        }
        heap.checkInvariants();
        assertThat(heap.stats().liveBlocks()).isZero();
        heap.trim(0);
        heap.checkInvariants();
        return new Replay(r.calls, r.skipped, r.peakLiveBytes, atEnd.peakFootprintBytes(), atEnd.liveBlocks());
    }

    @ParameterizedTest(name = "{0} ({1})")
    @CsvSource({
        "php-strings.malloc, POSIX", "php-strings.malloc, EMSCRIPTEN",
        "sqlite-small.malloc, POSIX", "sqlite-small.malloc, EMSCRIPTEN",
        "sqlite-small.ltrace, POSIX"})
    void sharedHeapTraceReplaysToTheEndWithAValidHeap(String file, Emmalloc.Mode mode) throws IOException {
        Path trace = TRACES.resolve(file);
        Assumptions.assumeTrue(Files.isReadable(trace), "shared trace " + trace + " not present");
        Replay r = replay(trace, s -> Emmalloc.builder(s).mode(mode).build());
        assertThat(r.calls()).isGreaterThan(30_000);
        assertThat(r.skipped() * 100).as("skipped calls (mmap family, unknown frees)").isLessThan(r.calls() * 12);
        assertThat(r.peakFootprintBytes()).as("peak footprint covers peak live bytes").isGreaterThanOrEqualTo(r.peakLiveBytes());
        System.out.printf("emmalloc %s %s: %d calls, %d skipped, peak live %d B, peak footprint %d B, ratio %.3f%n",
                mode, file, r.calls(), r.skipped(), r.peakLiveBytes(), r.peakFootprintBytes(),
                (double) r.peakFootprintBytes() / r.peakLiveBytes());
    }
}
