package dev.linmem.benchmarks.alloc;

import dev.linmem.alloc.Allocator;
import dev.linmem.replay.trace.EventCursor;
import dev.linmem.replay.trace.Trace;
import dev.linmem.replay.trace.TraceEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The malloc-family calls of a shared heap trace ({@code .malloc} or {@code .ltrace}), parsed
 * once into flat arrays so that replaying costs only the allocator's work. Recorded pointers
 * become slot numbers (a slot is reused after its block is freed); calls the recording saw fail,
 * or on pointers it never returned, are dropped at parse time. mmap-family calls are skipped.
 * Reading uses linmem's trace readers, so the benchmark replays exactly what the replayer does.
 */
final class HeapTrace {

    static final byte MALLOC = 0;
    static final byte CALLOC = 1;
    static final byte REALLOC = 2;
    static final byte MEMALIGN = 3;
    static final byte FREE = 4;

    final String name;
    final int size;
    final int slotCount;
    private final byte[] kind;
    private final int[] slot;
    private final long[] arg;
    private final long[] alignment;

    private HeapTrace(String name, int size, int slotCount, byte[] kind, int[] slot, long[] arg, long[] alignment) {
        this.name = name;
        this.size = size;
        this.slotCount = slotCount;
        this.kind = kind;
        this.slot = slot;
        this.arg = arg;
        this.alignment = alignment;
    }

    /**
     * Reads a trace file with linmem's own readers ({@link Trace}: format detected by content,
     * ltrace's posix_memalign results recovered as the reader documents).
     */
    static HeapTrace read(Path file) throws IOException {
        Builder b = new Builder();
        try (EventCursor cursor = Trace.open(file).cursor()) {
            TraceEvent event;
            while ((event = cursor.next()) != null) {
                b.add(event);
            }
        }
        return b.build(file.getFileName().toString());
    }

    /** The outcome of one replay. */
    record Result(long peakLiveBytes, long peakFootprintBytes, long calls) {
        double ratio() {
            return (double) peakFootprintBytes / peakLiveBytes;
        }
    }

    /** Replays every call on {@code heap}, then frees what is still live. */
    Result replay(Allocator heap) {
        long[] ours = new long[slotCount];
        long[] sizes = new long[slotCount];
        long live = 0;
        long peak = 0;
        for (int i = 0; i < size; i++) {
            int s = slot[i];
            long p;
            switch (kind[i]) {
                case MALLOC:
                    p = heap.malloc(arg[i]);
                    break;
                case CALLOC:
                    p = heap.calloc(1, arg[i]);
                    break;
                case MEMALIGN:
                    p = heap.memalign(alignment[i], arg[i]);
                    break;
                case REALLOC:
                    p = heap.realloc(ours[s], arg[i]);
                    live -= sizes[s];
                    break;
                default:
                    heap.free(ours[s]);
                    live -= sizes[s];
                    ours[s] = 0;
                    sizes[s] = 0;
                    continue;
            }
            if (p == Allocator.NULL) {
                throw new IllegalStateException(name + " call " + i + ": allocation of " + arg[i] + " bytes failed: " + heap.errno());
            }
            ours[s] = p;
            sizes[s] = arg[i];
            live += arg[i];
            peak = Math.max(peak, live);
        }
        long footprint = heap.stats().peakFootprintBytes();
        for (int s = 0; s < slotCount; s++) {
            if (ours[s] != 0) {
                heap.free(ours[s]);
            }
        }
        return new Result(peak, footprint, size);
    }

    /** Accumulates parsed calls. */
    private static final class Builder {
        private byte[] kind = new byte[1024];
        private int[] slot = new int[1024];
        private long[] arg = new long[1024];
        private long[] alignment = new long[1024];
        private int size;
        private int slotCount;
        private final Map<Long, Integer> slotOf = new HashMap<>();
        private final ArrayDeque<Integer> freeSlots = new ArrayDeque<>();

        void add(TraceEvent event) {
            if (event instanceof TraceEvent.Malloc m) {
                allocated(MALLOC, m.result(), m.sizeBytes(), 0);
            } else if (event instanceof TraceEvent.Calloc c) {
                allocated(CALLOC, c.result(), c.count() * c.sizeBytes(), 0);
            } else if (event instanceof TraceEvent.Memalign m) {
                allocated(MEMALIGN, m.result(), m.sizeBytes(), m.alignmentBytes());
            } else if (event instanceof TraceEvent.AlignedAlloc m) {
                allocated(MEMALIGN, m.result(), m.sizeBytes(), m.alignmentBytes());
            } else if (event instanceof TraceEvent.PosixMemalign m) {
                if (m.rc() == 0 && m.result() != TraceEvent.UNKNOWN_ADDRESS) {
                    allocated(MEMALIGN, m.result(), m.sizeBytes(), m.alignmentBytes());
                }
            } else if (event instanceof TraceEvent.Free f) {
                Integer s = slotOf.remove(f.ptr());
                if (s != null) {
                    append(FREE, s, 0, 0);
                    freeSlots.push(s);
                }
            } else if (event instanceof TraceEvent.Realloc r) {
                reallocated(r.ptr(), r.sizeBytes(), r.result());
            } else if (event instanceof TraceEvent.Reallocarray r) {
                reallocated(r.ptr(), r.count() * r.sizeBytes(), r.result());
            }
        }

        private void reallocated(long old, long bytes, long result) {
            if (old == 0) {
                allocated(MALLOC, result, bytes, 0);
                return;
            }
            Integer s = slotOf.get(old);
            if (s == null || (result == 0 && bytes != 0)) {
                return;
            }
            slotOf.remove(old);
            if (result == 0) {                       // glibc's realloc(p, 0) frees
                append(FREE, s, 0, 0);
                freeSlots.push(s);
                return;
            }
            Integer clash = slotOf.remove(result);
            if (clash != null) {
                append(FREE, clash, 0, 0);
                freeSlots.push(clash);
            }
            slotOf.put(result, s);
            append(REALLOC, s, bytes, 0);
        }

        private void allocated(byte k, long result, long bytes, long align) {
            if (result == 0 || result == -1 || result == TraceEvent.UNKNOWN_ADDRESS) {
                return;
            }
            Integer clash = slotOf.remove(result);   // a reused pointer whose free the recording missed
            if (clash != null) {
                append(FREE, clash, 0, 0);
                freeSlots.push(clash);
            }
            int s = freeSlots.isEmpty() ? slotCount++ : freeSlots.pop();
            slotOf.put(result, s);
            append(k, s, bytes, align);
        }

        private void append(byte k, int s, long a, long align) {
            if (size == kind.length) {
                kind = Arrays.copyOf(kind, size * 2);
                slot = Arrays.copyOf(slot, size * 2);
                arg = Arrays.copyOf(arg, size * 2);
                alignment = Arrays.copyOf(alignment, size * 2);
            }
            kind[size] = k;
            slot[size] = s;
            arg[size] = a;
            alignment[size] = align;
            size++;
        }

        HeapTrace build(String name) {
            return new HeapTrace(name, size, slotCount, kind, slot, arg, alignment);
        }
    }
}
