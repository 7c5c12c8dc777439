package dev.linmem.alloc;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Replays the malloc-family calls of a shared heap trace ({@code .malloc} from the LD_PRELOAD
 * recorder, or {@code .ltrace}) on an {@link Allocator}, mapping each recorded pointer to ours.
 * Parsing is minimal on purpose (the replay packages own the full readers): one regular
 * expression per line; mmap-family lines are skipped.
 *
 * <p>Each replayed block of 16 bytes or more gets an 8-byte tag at its start and end, checked when it is freed or
 * reallocated. Calls the recording saw fail are not replayed; calls on pointers the recording
 * never returned (ltrace misses about 0.1% of calls; posix_memalign's result is not in ltrace
 * output) are counted and skipped.
 */
final class HeapTraceReplay {

    private static final Pattern CALL = Pattern.compile("^\\d+ (?:\\S+->)?(\\w+)\\(([^)]*)\\)\\s*= (\\S+)");

    private final Allocator heap;
    private final Map<Long, long[]> blocks = new HashMap<>();   // recorded pointer -> {ours, size, tag}
    private long nextTag = 1;
    private long lineNumber;
    long events;
    long skipped;
    long liveBytes;
    long peakLiveBytes;

    HeapTraceReplay(Allocator heap) {
        this.heap = heap;
    }

    /** Opens a shared trace stored gzipped under the test resources' {@code /traces/}. */
    static BufferedReader open(String name) throws IOException {
        InputStream raw = HeapTraceReplay.class.getResourceAsStream("/traces/" + name + ".gz");
        if (raw == null) {
            throw new IOException("no test resource /traces/" + name + ".gz");
        }
        return new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.ISO_8859_1));
    }

    /** Replays up to {@code maxEvents} calls of the named trace, running {@code checkInvariants} every {@code checkEvery}. */
    HeapTraceReplay replay(String trace, long maxEvents, long checkEvery) throws IOException {
        try (BufferedReader in = open(trace)) {
            String line;
            while ((line = in.readLine()) != null && events < maxEvents) {
                lineNumber++;
                Matcher m = CALL.matcher(line);
                if (m.find() && apply(m.group(1), m.group(2).split(",\\s*"), parsePointer(m.group(3)))) {
                    events++;
                    if (checkEvery > 0 && events % checkEvery == 0) {
                        heap.checkInvariants();
                    }
                }
            }
        }
        return this;
    }

    /** Frees every block still live, checking each tag. */
    void freeAll() {
        for (long[] b : blocks.values()) {
            checkTag(b);
            heap.free(b[0]);
        }
        blocks.clear();
        liveBytes = 0;
    }

    int liveCount() {
        return blocks.size();
    }

    private static long parsePointer(String s) {
        if (s.startsWith("0x")) {
            return Long.parseUnsignedLong(s.substring(2), 16);
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private boolean apply(String call, String[] args, long result) {
        switch (call) {
            case "malloc":
                return allocated(result, Long.parseLong(args[0]), heap.malloc(Long.parseLong(args[0])));
            case "calloc": {
                long n = Long.parseLong(args[0]);
                long s = Long.parseLong(args[1]);
                return allocated(result, n * s, heap.calloc(n, s));
            }
            case "valloc":
                return allocated(result, Long.parseLong(args[0]), heap.memalign(4096, Long.parseLong(args[0])));
            case "memalign":
            case "aligned_alloc":
                return allocated(result, Long.parseLong(args[1]),
                        heap.memalign(Long.parseLong(args[0]), Long.parseLong(args[1])));
            case "posix_memalign": {
                long recorded = parsePointer(args[0]);
                if (result != 0 || !args[0].startsWith("0x") || blocks.containsKey(recorded)) {
                    skipped++;          // ltrace shows &memptr, not the block
                    return false;
                }
                long[] out = {0};
                long size = Long.parseLong(args[2]);
                int rc = heap.posixMemalign(out, Long.parseLong(args[1]), size);
                return allocated(recorded, size, rc == 0 ? out[0] : 0);
            }
            case "free": {
                long p = parsePointer(args[0]);
                if (p == 0) {
                    heap.free(0);
                    return true;
                }
                long[] b = blocks.remove(p);
                if (b == null) {
                    skipped++;
                    return false;
                }
                checkTag(b);
                heap.free(b[0]);
                liveBytes -= b[1];
                return true;
            }
            case "realloc":
            case "reallocarray": {
                long p = parsePointer(args[0]);
                long size = call.equals("realloc") ? Long.parseLong(args[1])
                        : Long.parseLong(args[1]) * Long.parseLong(args[2]);
                long[] b = p == 0 ? null : blocks.get(p);
                if (p != 0 && b == null) {
                    skipped++;
                    return false;
                }
                if (result == 0 && size == 0 && b != null) {     // glibc's realloc(p, 0) frees
                    blocks.remove(p);
                    checkTag(b);
                    heap.free(b[0]);
                    liveBytes -= b[1];
                    return true;
                }
                if (result == 0) {
                    skipped++;
                    return false;
                }
                if (b == null) {
                    return allocated(result, size, heap.realloc(0, size));
                }
                checkTag(b);
                long q = heap.realloc(b[0], size);
                if (q == 0) {
                    throw new AssertionError("realloc(" + b[1] + " -> " + size + ") failed: " + heap.errno());
                }
                blocks.remove(p);
                liveBytes -= b[1];
                return allocated(result, size, q);
            }
            default:
                return false;
        }
    }

    private boolean allocated(long recorded, long size, long ours) {
        if (recorded == 0 || recorded == -1) {
            if (ours != 0) {
                heap.free(ours);
            }
            skipped++;
            return false;
        }
        if (ours == 0) {
            throw new AssertionError("allocation of " + size + " bytes failed: " + heap.errno());
        }
        long[] old = blocks.remove(recorded);
        if (old != null) {              // the recording reused a pointer we missed the free of
            checkTag(old);
            heap.free(old[0]);
            liveBytes -= old[1];
        }
        long[] b = {ours, size, nextTag++};
        writeTag(b);
        blocks.put(recorded, b);
        liveBytes += size;
        peakLiveBytes = Math.max(peakLiveBytes, liveBytes);
        return true;
    }

    private void writeTag(long[] b) {
        if (b[1] >= 16) {
            heap.memory().putI64(b[0], b[2]);
            heap.memory().putI64(b[0] + b[1] - 8, ~b[2]);
        }
    }

    private void checkTag(long[] b) {
        if (b[1] >= 16 && (heap.memory().getI64(b[0]) != b[2] || heap.memory().getI64(b[0] + b[1] - 8) != ~b[2])) {
            throw new AssertionError("line " + lineNumber + ": block #" + b[2] + " at 0x" + Long.toHexString(b[0])
                    + " (" + b[1] + " bytes) lost its tag");
        }
    }
}
