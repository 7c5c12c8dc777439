package dev.linmem.replay;

import dev.linmem.replay.trace.TraceEvent;
import dev.linmem.space.Mman;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The recording's own view of its memory, target-free: which recorded ranges are anonymous,
 * file-backed or the break, and which heap blocks are live with what size. It yields the live
 * bytes after every event, whose maximum is the lower bound every target is compared with.
 *
 * <p><b>Invariants.</b> The recorded ranges obey {@link RangeTranslation}'s (with each range
 * mapped onto itself); {@link #heapLiveBytes} is the sum of the live blocks' sizes.
 *
 * <p><b>Algorithm.</b> Only successful calls change the model. Lengths round up to {@link
 * #RECORDED_PAGE_BYTES}. An anonymous {@code MAP_FIXED} mapping over a file-backed range (ld.so's
 * {@code .bss}) counts as part of the file. An mremap moves the kind of what it moves. The break
 * counts from its first recorded position, in whole pages.
 */
final class RecordedModel {

    /** The page size of the recorded Linux systems: 4 KiB. */
    static final long RECORDED_PAGE_BYTES = 4096;

    private final RangeTranslation ranges = new RangeTranslation();
    private final Map<Long, Long> heapSizes = new HashMap<>();
    private long heapLiveBytes;
    private long breakStart = -1;
    private long breakAddress = -1;
    private long nextGroup = 1;

    /** Live bytes now: anonymous and break bytes mapped plus live heap bytes. */
    long liveBytes() {
        return ranges.liveBytes() + heapLiveBytes;
    }

    /** Computes the live bytes after each prefix of {@code events}: element i is after the first i events. */
    static long[] liveBytesAfterEachEvent(List<TraceEvent> events) {
        RecordedModel model = new RecordedModel();
        long[] live = new long[events.size() + 1];
        for (int i = 0; i < events.size(); i++) {
            model.apply(events.get(i));
            live[i + 1] = model.liveBytes();
        }
        return live;
    }

    static long roundUpToPage(long bytes) {
        return (bytes + RECORDED_PAGE_BYTES - 1) & -RECORDED_PAGE_BYTES;
    }

    void apply(TraceEvent e) {
        if (e.failed()) {
            return;
        }
        switch (e.kind()) {
            case MMAP -> mmap((TraceEvent.Mmap) e);
            case MUNMAP -> {
                TraceEvent.Munmap m = (TraceEvent.Munmap) e;
                ranges.remove(m.addr(), m.addr() + roundUpToPage(m.lengthBytes()));
            }
            case MREMAP -> mremap((TraceEvent.Mremap) e);
            case BRK -> brk((TraceEvent.Brk) e);
            case MPROTECT -> {
                TraceEvent.Mprotect m = (TraceEvent.Mprotect) e;
                ranges.protect(m.addr(), m.addr() + roundUpToPage(m.lengthBytes()), m.prot());
            }
            case MALLOC -> {
                TraceEvent.Malloc m = (TraceEvent.Malloc) e;
                allocated(m.result(), m.sizeBytes());
            }
            case CALLOC -> {
                TraceEvent.Calloc c = (TraceEvent.Calloc) e;
                allocated(c.result(), c.count() * c.sizeBytes());
            }
            case REALLOC -> {
                TraceEvent.Realloc r = (TraceEvent.Realloc) e;
                reallocated(r.ptr(), r.sizeBytes(), r.result());
            }
            case REALLOCARRAY -> {
                TraceEvent.Reallocarray r = (TraceEvent.Reallocarray) e;
                reallocated(r.ptr(), r.count() * r.sizeBytes(), r.result());
            }
            case FREE -> freed(((TraceEvent.Free) e).ptr());
            case POSIX_MEMALIGN -> {
                TraceEvent.PosixMemalign p = (TraceEvent.PosixMemalign) e;
                allocated(p.result(), p.sizeBytes());
            }
            case ALIGNED_ALLOC -> {
                TraceEvent.AlignedAlloc a = (TraceEvent.AlignedAlloc) e;
                allocated(a.result(), a.sizeBytes());
            }
            case MEMALIGN -> {
                TraceEvent.Memalign m = (TraceEvent.Memalign) e;
                allocated(m.result(), m.sizeBytes());
            }
            case VALLOC -> {
                TraceEvent.Valloc v = (TraceEvent.Valloc) e;
                allocated(v.result(), v.sizeBytes());
            }
            case PVALLOC -> {
                TraceEvent.Pvalloc v = (TraceEvent.Pvalloc) e;
                allocated(v.result(), roundUpToPage(v.sizeBytes()));
            }
            default -> {
                // madvise and address-space starts hold no memory
            }
        }
    }

    /** True when an mmap is of a file or lands inside one (ld.so's anonymous overlays). */
    static boolean isFileLike(TraceEvent.Mmap m, RangeTranslation ranges) {
        if (m.isFileBacked()) {
            return true;
        }
        long start = m.result();
        return (m.flags() & Mman.MAP_FIXED) != 0
                && ranges.intersectsFile(start, start + roundUpToPage(m.lengthBytes()));
    }

    private void mmap(TraceEvent.Mmap m) {
        long start = m.result();
        long end = start + roundUpToPage(m.lengthBytes());
        RangeTranslation.Kind kind = isFileLike(m, ranges) ? RangeTranslation.Kind.FILE : RangeTranslation.Kind.ANON;
        ranges.remove(start, end);
        ranges.insert(start, end, start, nextGroup++, kind, m.prot());
    }

    private void mremap(TraceEvent.Mremap m) {
        if (m.oldLengthBytes() == 0) {
            return;
        }
        long oldStart = m.oldAddr();
        long oldEnd = oldStart + roundUpToPage(m.oldLengthBytes());
        List<RangeTranslation.Piece> moved = ranges.overlapping(oldStart, oldEnd);
        RangeTranslation.Kind kind = RangeTranslation.Kind.FILE;
        int prot = Mman.PROT_READ | Mman.PROT_WRITE;
        for (RangeTranslation.Piece p : moved) {
            if (p.kind != RangeTranslation.Kind.FILE) {
                kind = p.kind;
                prot = p.prot;
                break;
            }
        }
        if ((m.flags() & Mman.MREMAP_DONTUNMAP) == 0) {
            ranges.remove(oldStart, oldEnd);
        }
        long newStart = m.result();
        long newEnd = newStart + roundUpToPage(m.newLengthBytes());
        ranges.remove(newStart, newEnd);
        ranges.insert(newStart, newEnd, newStart, nextGroup++, kind, prot);
    }

    private void brk(TraceEvent.Brk b) {
        long now = b.result();
        if (breakStart < 0) {
            breakStart = now;
            breakAddress = now;
            return;
        }
        long oldEnd = roundUpToPage(breakAddress);
        long newEnd = roundUpToPage(now);
        if (newEnd > oldEnd) {
            ranges.remove(oldEnd, newEnd);
            ranges.insert(oldEnd, newEnd, oldEnd, 0, RangeTranslation.Kind.BREAK, Mman.PROT_READ | Mman.PROT_WRITE);
        } else if (newEnd < oldEnd) {
            ranges.remove(newEnd, oldEnd);
        }
        breakAddress = now;
    }

    private void allocated(long ptr, long sizeBytes) {
        if (ptr == 0 || ptr == TraceEvent.UNKNOWN_ADDRESS) {
            return;
        }
        freed(ptr);
        heapSizes.put(ptr, sizeBytes);
        heapLiveBytes += sizeBytes;
    }

    private void reallocated(long ptr, long sizeBytes, long result) {
        if (ptr != 0) {
            freed(ptr);
        }
        allocated(result, sizeBytes);
    }

    private void freed(long ptr) {
        Long size = heapSizes.remove(ptr);
        if (size != null) {
            heapLiveBytes -= size;
        }
    }
}
