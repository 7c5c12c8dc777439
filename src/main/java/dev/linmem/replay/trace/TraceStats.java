package dev.linmem.replay.trace;

import dev.linmem.space.Mman;
import java.io.IOException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a trace does, from its recorded calls alone (what {@code linmem stats TRACE} prints):
 * calls by kind, how munmaps cut mappings, how mremaps ended, whether placement hints were
 * honoured, and the peak of live memory.
 *
 * <p>Each address space gets its own {@link RecordedMappings} and heap block table; failed calls
 * are counted and change nothing. Lengths round up to the recorded 4 KiB page. Definitions:
 * <ul>
 *   <li>munmap shapes, by the mappings a successful munmap intersects: none
 *       ({@code unmapped}: kernel-made or already unmapped ranges), several, or one, then
 *       {@code whole} (covers it), {@code head} (starts at or before its start, ends inside),
 *       {@code tail} (starts inside, ends at or past its end) or {@code middle};
 *   <li>mremap outcomes: failed, grown or shrunk in place (result = old address), moved;
 *   <li>hints: an mmap with a non-null address without {@code MAP_FIXED} that succeeded is
 *       honoured when placed at that address;
 *   <li>file-backed mmaps (and anonymous {@code MAP_FIXED} overlays inside file mappings) and the
 *       munmap, mremap, mprotect and madvise calls aimed only at file mappings, which a replay
 *       skips;
 *   <li>peak live bytes: the largest, over time, of anonymous mapped bytes (mmap, mremap and the
 *       brk heap) plus live heap bytes (malloc family), per address space, the largest space
 *       reported; the two parts' own peaks are given too.
 * </ul>
 *
 * @param calls             calls by kind (address-space starts included)
 * @param failedCalls       calls the recording shows failing, by kind
 * @param addressSpaces     number of address spaces
 * @param munmaps           munmap shapes
 * @param mremaps           mremap outcomes
 * @param hints             hinted mmaps
 * @param fileBackedMmaps   successful mmaps of files (and overlays inside them)
 * @param fileTargetedCalls successful calls aimed only at file mappings
 * @param peakMappedBytes   peak anonymous mapped bytes (brk heap included)
 * @param peakHeapBytes     peak live heap bytes
 * @param peakLiveBytes     peak of the sum
 */
public record TraceStats(Map<EventKind, Long> calls, Map<EventKind, Long> failedCalls, int addressSpaces,
        MunmapShapes munmaps, MremapOutcomes mremaps, Hints hints, long fileBackedMmaps, long fileTargetedCalls,
        long peakMappedBytes, long peakHeapBytes, long peakLiveBytes) {

    /** The page size of the recorded Linux systems. */
    static final long RECORDED_PAGE_BYTES = 4096;

    public TraceStats {
        calls = Collections.unmodifiableMap(new EnumMap<>(calls));
        failedCalls = Collections.unmodifiableMap(new EnumMap<>(failedCalls));
    }

    /** How successful munmaps cut the recorded mappings. */
    public record MunmapShapes(long whole, long head, long tail, long middle, long several, long unmapped) {
        /** The munmaps that left part of a mapping behind or cut several. */
        public long partial() {
            return head + tail + middle + several;
        }
    }

    /** How mremaps ended. */
    public record MremapOutcomes(long grownInPlace, long shrunkInPlace, long sameSize, long moved, long failed) {
    }

    /** Hinted mmaps that succeeded: placed at the hint, or elsewhere. */
    public record Hints(long honoured, long notHonoured) {
    }

    /** Statistics of {@code trace}, in one streaming pass. */
    public static TraceStats of(Trace trace) throws IOException {
        Accumulator acc = new Accumulator();
        try (EventCursor cursor = trace.cursor()) {
            for (TraceEvent e = cursor.next(); e != null; e = cursor.next()) {
                acc.add(e);
            }
        }
        return acc.result();
    }

    /** Statistics of events already read. */
    public static TraceStats of(List<TraceEvent> events) {
        Accumulator acc = new Accumulator();
        for (TraceEvent e : events) {
            acc.add(e);
        }
        return acc.result();
    }

    /** A plain-text report, one figure per line, for the command line. */
    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append("address spaces: ").append(addressSpaces).append('\n');
        b.append("calls:\n");
        for (Map.Entry<EventKind, Long> e : calls.entrySet()) {
            if (e.getKey() == EventKind.ADDRESS_SPACE_START) {
                continue;
            }
            b.append(String.format("  %-15s %10d", e.getKey().callName(), e.getValue()));
            long failed = failedCalls.getOrDefault(e.getKey(), 0L);
            if (failed > 0) {
                b.append(String.format("  (%d failed)", failed));
            }
            b.append('\n');
        }
        b.append(String.format("munmaps: %d whole, %d head, %d tail, %d middle, %d several mappings, %d unmapped%n",
                munmaps.whole, munmaps.head, munmaps.tail, munmaps.middle, munmaps.several, munmaps.unmapped));
        b.append(String.format("mremaps: %d grown in place, %d shrunk in place, %d same size, %d moved, %d failed%n",
                mremaps.grownInPlace, mremaps.shrunkInPlace, mremaps.sameSize, mremaps.moved, mremaps.failed));
        b.append(String.format("hints: %d honoured, %d not honoured%n", hints.honoured, hints.notHonoured));
        b.append(String.format("file-backed: %d mmaps, %d calls aimed at them%n", fileBackedMmaps, fileTargetedCalls));
        b.append(String.format("peak live bytes: %d (anonymous mapped peak %d, heap peak %d)%n",
                peakLiveBytes, peakMappedBytes, peakHeapBytes));
        return b.toString();
    }

    static long roundUpToPage(long bytes) {
        return (bytes + RECORDED_PAGE_BYTES - 1) & -RECORDED_PAGE_BYTES;
    }

    /** One address space's recorded memory. */
    private static final class SpaceModel {
        final RecordedMappings mappings = new RecordedMappings();
        final Map<Long, Long> heapBlocks = new HashMap<>();
        long heapLiveBytes;
        long breakAddress = -1;
        long peakMapped;
        long peakHeap;
        long peakLive;
    }

    /** Counts events into the figures. */
    private static final class Accumulator {
        private final Map<EventKind, Long> calls = new EnumMap<>(EventKind.class);
        private final Map<EventKind, Long> failed = new EnumMap<>(EventKind.class);
        private final Map<Integer, SpaceModel> spaces = new HashMap<>();
        private long whole;
        private long head;
        private long tail;
        private long middle;
        private long several;
        private long unmapped;
        private long grown;
        private long shrunk;
        private long same;
        private long moved;
        private long mremapFailed;
        private long honoured;
        private long notHonoured;
        private long fileMmaps;
        private long fileTargeted;

        void add(TraceEvent e) {
            calls.merge(e.kind(), 1L, Long::sum);
            SpaceModel s = spaces.computeIfAbsent(e.space(), k -> new SpaceModel());
            if (e.failed()) {
                failed.merge(e.kind(), 1L, Long::sum);
                if (e.kind() == EventKind.MREMAP) {
                    mremapFailed++;
                }
                return;
            }
            switch (e.kind()) {
                case MMAP -> mmap(s, (TraceEvent.Mmap) e);
                case MUNMAP -> munmap(s, (TraceEvent.Munmap) e);
                case MREMAP -> mremap(s, (TraceEvent.Mremap) e);
                case BRK -> brk(s, ((TraceEvent.Brk) e).result());
                case MPROTECT -> {
                    TraceEvent.Mprotect m = (TraceEvent.Mprotect) e;
                    countIfFileTargeted(s, m.addr(), m.lengthBytes());
                }
                case MADVISE -> {
                    TraceEvent.Madvise m = (TraceEvent.Madvise) e;
                    countIfFileTargeted(s, m.addr(), m.lengthBytes());
                }
                case MALLOC -> allocated(s, ((TraceEvent.Malloc) e).result(), ((TraceEvent.Malloc) e).sizeBytes());
                case CALLOC -> {
                    TraceEvent.Calloc c = (TraceEvent.Calloc) e;
                    allocated(s, c.result(), c.count() * c.sizeBytes());
                }
                case REALLOC -> {
                    TraceEvent.Realloc r = (TraceEvent.Realloc) e;
                    freed(s, r.ptr());
                    allocated(s, r.result(), r.sizeBytes());
                }
                case REALLOCARRAY -> {
                    TraceEvent.Reallocarray r = (TraceEvent.Reallocarray) e;
                    freed(s, r.ptr());
                    allocated(s, r.result(), r.count() * r.sizeBytes());
                }
                case FREE -> freed(s, ((TraceEvent.Free) e).ptr());
                case POSIX_MEMALIGN -> {
                    TraceEvent.PosixMemalign p = (TraceEvent.PosixMemalign) e;
                    allocated(s, p.result(), p.sizeBytes());
                }
                case ALIGNED_ALLOC -> {
                    TraceEvent.AlignedAlloc a = (TraceEvent.AlignedAlloc) e;
                    allocated(s, a.result(), a.sizeBytes());
                }
                case MEMALIGN -> {
                    TraceEvent.Memalign a = (TraceEvent.Memalign) e;
                    allocated(s, a.result(), a.sizeBytes());
                }
                case VALLOC -> allocated(s, ((TraceEvent.Valloc) e).result(), ((TraceEvent.Valloc) e).sizeBytes());
                case PVALLOC -> allocated(s, ((TraceEvent.Pvalloc) e).result(),
                        roundUpToPage(((TraceEvent.Pvalloc) e).sizeBytes()));
                case ADDRESS_SPACE_START -> {
                    // the space model was created above
                }
                default -> throw new IllegalStateException(e.kind().toString());
            }
            long mapped = s.mappings.anonymousBytes();
            s.peakMapped = Math.max(s.peakMapped, mapped);
            s.peakHeap = Math.max(s.peakHeap, s.heapLiveBytes);
            s.peakLive = Math.max(s.peakLive, mapped + s.heapLiveBytes);
        }

        private void mmap(SpaceModel s, TraceEvent.Mmap m) {
            if (m.isHinted()) {
                if (m.result() == m.addr()) {
                    honoured++;
                } else {
                    notHonoured++;
                }
            }
            long start = m.result();
            long end = start + roundUpToPage(m.lengthBytes());
            boolean fileLike = m.isFileBacked() || m.isFixed() && s.mappings.intersectsFile(start, end);
            if (fileLike) {
                fileMmaps++;
            }
            s.mappings.insert(start, end, fileLike ? RecordedMappings.Kind.FILE : RecordedMappings.Kind.ANONYMOUS);
        }

        private void munmap(SpaceModel s, TraceEvent.Munmap m) {
            long start = m.addr();
            long end = start + roundUpToPage(m.lengthBytes());
            List<RecordedMappings.Mapping> cut = s.mappings.intersecting(start, end);
            if (cut.isEmpty()) {
                unmapped++;
            } else if (cut.size() > 1) {
                several++;
            } else {
                RecordedMappings.Mapping one = cut.get(0);
                boolean coversStart = start <= one.start();
                boolean coversEnd = end >= one.end();
                if (coversStart && coversEnd) {
                    whole++;
                } else if (coversStart) {
                    head++;
                } else if (coversEnd) {
                    tail++;
                } else {
                    middle++;
                }
            }
            if (!cut.isEmpty() && cut.stream().noneMatch(RecordedMappings.Mapping::holdsMemory)) {
                fileTargeted++;
            }
            s.mappings.remove(start, end);
        }

        private void mremap(SpaceModel s, TraceEvent.Mremap m) {
            if (m.result() == m.oldAddr()) {
                if (m.newLengthBytes() > m.oldLengthBytes()) {
                    grown++;
                } else if (m.newLengthBytes() < m.oldLengthBytes()) {
                    shrunk++;
                } else {
                    same++;
                }
            } else {
                moved++;
            }
            long oldStart = m.oldAddr();
            long oldEnd = oldStart + roundUpToPage(m.oldLengthBytes());
            RecordedMappings.Mapping source = s.mappings.mappingAt(oldStart);
            RecordedMappings.Kind kind = source != null ? source.kind() : RecordedMappings.Kind.ANONYMOUS;
            if (kind == RecordedMappings.Kind.FILE) {
                fileTargeted++;
            }
            if ((m.flags() & Mman.MREMAP_DONTUNMAP) == 0) {
                s.mappings.remove(oldStart, oldEnd);
            }
            s.mappings.insert(m.result(), m.result() + roundUpToPage(m.newLengthBytes()), kind);
        }

        private void brk(SpaceModel s, long now) {
            if (s.breakAddress < 0) {
                s.breakAddress = now;
                return;
            }
            long oldEnd = roundUpToPage(s.breakAddress);
            long newEnd = roundUpToPage(now);
            if (newEnd > oldEnd) {
                s.mappings.insert(oldEnd, newEnd, RecordedMappings.Kind.BREAK);
            } else if (newEnd < oldEnd) {
                s.mappings.remove(newEnd, oldEnd);
            }
            s.breakAddress = now;
        }

        private void countIfFileTargeted(SpaceModel s, long addr, long lengthBytes) {
            List<RecordedMappings.Mapping> hit = s.mappings.intersecting(addr, addr + roundUpToPage(lengthBytes));
            if (!hit.isEmpty() && hit.stream().noneMatch(RecordedMappings.Mapping::holdsMemory)) {
                fileTargeted++;
            }
        }

        private void allocated(SpaceModel s, long ptr, long sizeBytes) {
            if (ptr == 0 || ptr == TraceEvent.UNKNOWN_ADDRESS) {
                return;
            }
            freed(s, ptr);
            s.heapBlocks.put(ptr, sizeBytes);
            s.heapLiveBytes += sizeBytes;
        }

        private void freed(SpaceModel s, long ptr) {
            Long size = s.heapBlocks.remove(ptr);
            if (size != null) {
                s.heapLiveBytes -= size;
            }
        }

        TraceStats result() {
            long peakMapped = 0;
            long peakHeap = 0;
            long peakLive = 0;
            for (SpaceModel s : spaces.values()) {
                peakMapped = Math.max(peakMapped, s.peakMapped);
                peakHeap = Math.max(peakHeap, s.peakHeap);
                peakLive = Math.max(peakLive, s.peakLive);
            }
            return new TraceStats(calls, failed, spaces.size(),
                    new MunmapShapes(whole, head, tail, middle, several, unmapped),
                    new MremapOutcomes(grown, shrunk, same, moved, mremapFailed),
                    new Hints(honoured, notHonoured), fileMmaps, fileTargeted, peakMapped, peakHeap, peakLive);
        }
    }
}
