package dev.linmem.replay;

import dev.linmem.alloc.Allocator;
import dev.linmem.replay.RangeTranslation.Kind;
import dev.linmem.replay.RangeTranslation.Piece;
import dev.linmem.replay.trace.TraceEvent;
import dev.linmem.space.AddressSpace;
import dev.linmem.space.Errno;
import dev.linmem.space.MemoryMapper;
import dev.linmem.space.Mman;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The standard {@link EventPlayer}: replays each recorded call on the target with every
 * address translated, letting the target place memory its own way.
 *
 * <p><b>Layout.</b> Page-level calls go through a {@link RangeTranslation} (recorded range to
 * target range, piece by piece); heap calls through a map from recorded pointer to target block.
 * A <em>target run</em> is a maximal sequence of translated pieces contiguous in the target:
 * one target call covers one run.
 *
 * <p><b>Invariants.</b> The translation's; every translated anonymous piece and every heap block
 * is memory the target holds for the recording right now.
 *
 * <p><b>Algorithm</b> (each rule in docs/replay.md, with its counter):
 * <ol>
 *   <li>Recorded failures change nothing and are not replayed. Events of kinds the target does
 *       not replay, file-backed mappings and calls aimed only at memory the replay does not
 *       hold are skipped.</li>
 *   <li>mmap: a hint just past the end of a translated mapping is a growth request and becomes
 *       the target end of that mapping; every other non-fixed mmap passes hint 0. A
 *       {@code MAP_FIXED} over one target run replaces it in place; at a free address it is a
 *       growth request when adjacent to a mapping, otherwise a plain mapping.</li>
 *   <li>Growth the recording made in place (hint honoured, mremap at the same address) but the
 *       target did not: map new, copy, unmap old (inPlaceLost, copiedBytes). The replay holds no
 *       program data (every mapped byte it hands out is zero), so copies are counted, not
 *       performed; targets still do their own work (clearing, their own moves).</li>
 *   <li>munmap: one target munmap per target run; a failure leaves the pages allocated
 *       (leakedBytes). A failed shrink (mremap, brk) leaves the tail allocated (leakedBytes).</li>
 *   <li>A failed allocation (mmap, malloc, the fallback's own mmap) is an out-of-memory event;
 *       the replay continues without that memory.</li>
 *   <li>brk is sbrk on the target; when the target's break cannot grow, the bytes are mapped
 *       instead, as glibc's malloc does.</li>
 *   <li>Heap calls translate by block; a moved realloc counts its copy.</li>
 * </ol>
 *
 * <p><b>References.</b> docs/replay.md; ../shared/traces/README.md ("Replaying Linux recordings
 * elsewhere").
 */
final class TranslatingPlayer implements EventPlayer {

    private static final int ANONYMOUS_PRIVATE = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;
    private static final int READ_WRITE = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final long RECORDED_PAGE = RecordedModel.RECORDED_PAGE_BYTES;

    private final Machine machine;
    private final Set<Capability> capabilities;
    private final ReplayMeter meter;
    private final MemoryMapper mapper;
    private final Allocator allocator;
    /**
     * The page the target rounds lengths to, when it does so (Linux semantics, the
     * AddressSpace); the recorded page otherwise (Emscripten's emulation takes exact lengths).
     */
    private final long targetPageBytes;
    private final RangeTranslation translation = new RangeTranslation();
    /** Target bytes a refused munmap or shrink left allocated, drawn as leaked on the peak map. */
    private final ByteRanges leakedTargets = new ByteRanges();
    private final Map<Long, HeapBlock> blocks = new HashMap<>();
    private long nextGroup = 1;
    private long recordedBreak = -1;

    /** A live heap block as the target placed it. */
    private static final class HeapBlock {
        final long target;
        final long sizeBytes;

        HeapBlock(long target, long sizeBytes) {
            this.target = target;
            this.sizeBytes = sizeBytes;
        }
    }

    TranslatingPlayer(Machine machine, Set<Capability> capabilities, ReplayMeter meter) {
        this.machine = machine;
        this.capabilities = Set.copyOf(capabilities);
        this.meter = meter;
        this.mapper = capabilities.contains(Capability.MMAP) ? machine.mapper() : null;
        this.allocator = capabilities.contains(Capability.HEAP) ? machine.allocator() : null;
        this.targetPageBytes = mapper instanceof AddressSpace ? Math.max(RECORDED_PAGE, mapper.pageSizeBytes())
                : RECORDED_PAGE;
    }

    @Override
    public boolean play(TraceEvent e) {
        switch (e.kind()) {
            case ADDRESS_SPACE_START:
                return false;
            default:
                break;
        }
        if (!capabilities.contains(RecordedTrace.capabilityOf(e.kind()))) {
            return false;
        }
        if (e.failed()) {
            return true;
        }
        switch (e.kind()) {
            case MMAP:
                return mmap((TraceEvent.Mmap) e);
            case MUNMAP:
                return munmap((TraceEvent.Munmap) e);
            case MREMAP:
                return mremap((TraceEvent.Mremap) e);
            case BRK:
                return brk((TraceEvent.Brk) e);
            case MPROTECT:
                return mprotect((TraceEvent.Mprotect) e);
            case MADVISE:
                return madvise((TraceEvent.Madvise) e);
            default:
                return heap(e);
        }
    }

    // ---- mmap ------------------------------------------------------------------------------

    private boolean mmap(TraceEvent.Mmap m) {
        long start = m.result();
        long length = roundUpToRecordedPage(m.lengthBytes());
        long end = start + length;
        if (RecordedModel.isFileLike(m, translation)) {
            releaseTargetOf(translation.remove(start, end));
            translation.insert(start, end, RangeTranslation.NO_TARGET, 0, Kind.FILE, m.prot());
            return false;
        }
        boolean fixed = (m.flags() & Mman.MAP_FIXED) != 0 && (m.flags() & Mman.MAP_FIXED_NOREPLACE) == 0;
        int targetFlags = m.flags() & ~(Mman.MAP_FIXED | Mman.MAP_FIXED_NOREPLACE);
        if (fixed && replaceInPlace(start, end, m.prot(), m.flags())) {
            return true;
        }
        if (translation.intersects(start, end)) {
            releaseTargetOf(translation.remove(start, end));
        }
        long hint = fixed ? start : m.addr();
        Piece before = hint != 0 ? translation.pieceEndingAt(hint) : null;
        if (before != null && before.kind == Kind.ANON) {
            growByHint(before, hint, start, length, m.prot(), targetFlags);
            return true;
        }
        long target = mapper.mmap(0, length, m.prot(), targetFlags, -1, 0);
        if (Errno.isError(target)) {
            meter.failedCall(Errno.of(target));
            meter.outOfMemory();
            return true;
        }
        translation.insert(start, end, target, nextGroup++, Kind.ANON, m.prot());
        return true;
    }

    /** MAP_FIXED over memory that is one target run: the same call on the target. */
    private boolean replaceInPlace(long start, long end, int prot, int flags) {
        long target = contiguousTargetOf(start, end);
        if (target < 0 || target % targetPageBytes != 0) {
            return false;
        }
        long result = mapper.mmap(target, end - start, prot, flags, -1, 0);
        if (Errno.isError(result)) {
            meter.failedCall(Errno.of(result));
            return false;
        }
        translation.remove(start, end);
        translation.insert(start, end, result, nextGroup++, Kind.ANON, prot);
        return true;
    }

    /** A mapping requested just past the end of {@code before}'s mapping. */
    private void growByHint(Piece before, long hint, long start, long length, int prot, int flags) {
        long targetHint = roundUpToTargetPage(before.targetEnd());
        long recordedInPlace = start == hint ? 1 : 0;
        long group = before.group;
        long targetEnd = before.targetEnd();
        long result = mapper.mmap(targetHint, length, prot, flags, -1, 0);
        if (recordedInPlace == 0) {
            if (Errno.isError(result)) {
                meter.failedCall(Errno.of(result));
                result = mapper.mmap(0, length, prot, flags, -1, 0);
                if (Errno.isError(result)) {
                    meter.outOfMemory();
                    return;
                }
            }
            translation.insert(start, start + length, result, nextGroup++, Kind.ANON, prot);
            return;
        }
        if (!Errno.isError(result) && result == targetEnd) {
            meter.keptInPlace();
            if (before.prot == prot) {
                translation.resize(before, start + length);
            } else {
                translation.insert(start, start + length, result, group, Kind.ANON, prot);
            }
            return;
        }
        meter.lostInPlace();
        if (Errno.isError(result)) {
            meter.failedCall(Errno.of(result));
        } else {
            unmapTarget(result, length);
        }
        moveGrowing(blockEndingWith(before), before, start + length, prot, flags);
    }

    /** The first piece of the block ending with {@code last}: same group, contiguous on both sides. */
    private Piece blockEndingWith(Piece last) {
        Piece first = last;
        for (Piece p = translation.pieceBefore(first); p != null && p.kind == Kind.ANON && p.group == last.group
                && p.recEnd == first.recStart && p.targetEnd() == first.targetStart; p = translation.pieceBefore(p)) {
            first = p;
        }
        return first;
    }

    /**
     * The fallback for a growth the target refused: map the block {@code [first.recStart,
     * last.recEnd)} plus the growth up to {@code newRecEnd} anew, copy the block, unmap the old
     * one. The growth's recorded range becomes translated too.
     */
    private void moveGrowing(Piece first, Piece last, long newRecEnd, int prot, int flags) {
        long blockStart = first.recStart;
        long oldEnd = last.recEnd;
        long targetStart = first.targetStart;
        long group = first.group;
        long oldLength = oldEnd - blockStart;
        long moved = mapper.mmap(0, newRecEnd - blockStart, prot, flags, -1, 0);
        if (Errno.isError(moved)) {
            meter.outOfMemory();
            return;
        }
        meter.copied(oldLength);
        List<Piece> old = translation.remove(blockStart, oldEnd);
        releaseTargetOf(old);
        for (Piece p : old) {
            translation.insert(p.recStart, p.recEnd, moved + (p.recStart - blockStart), group, Kind.ANON, p.prot);
        }
        translation.insert(oldEnd, newRecEnd, moved + oldLength, group, Kind.ANON, prot);
    }

    // ---- munmap, mprotect, madvise ---------------------------------------------------------

    private boolean munmap(TraceEvent.Munmap m) {
        long start = m.addr();
        long end = start + roundUpToRecordedPage(m.lengthBytes());
        List<Piece> removed = translation.remove(start, end);
        if (!holdsTarget(removed)) {
            return false;
        }
        releaseTargetOf(removed);
        return true;
    }

    private boolean mprotect(TraceEvent.Mprotect m) {
        long start = m.addr();
        long end = start + roundUpToRecordedPage(m.lengthBytes());
        List<Piece> over = translation.overlapping(start, end);
        translation.protect(start, end, m.prot());
        if (!holdsTarget(over)) {
            return false;
        }
        forEachTargetRun(translation.overlapping(start, end), start, end, (t, len) -> {
            long r = mapper.mprotect(t, len, m.prot());
            if (Errno.isError(r)) {
                meter.failedCall(Errno.of(r));
            }
        });
        return true;
    }

    private boolean madvise(TraceEvent.Madvise m) {
        long start = m.addr();
        long end = start + roundUpToRecordedPage(m.lengthBytes());
        List<Piece> over = translation.overlapping(start, end);
        if (!holdsTarget(over)) {
            return false;
        }
        forEachTargetRun(over, start, end, (t, len) -> {
            long r = mapper.madvise(t, len, m.advice());
            if (Errno.isError(r)) {
                meter.failedCall(Errno.of(r));
            }
        });
        return true;
    }

    // ---- mremap ----------------------------------------------------------------------------

    private boolean mremap(TraceEvent.Mremap m) {
        if (m.oldLengthBytes() == 0) {
            return false;
        }
        long oldStart = m.oldAddr();
        long oldLength = roundUpToRecordedPage(m.oldLengthBytes());
        long oldEnd = oldStart + oldLength;
        long newLength = roundUpToRecordedPage(m.newLengthBytes());
        long newStart = m.result();
        if (newStart == oldStart && (m.flags() & (Mman.MREMAP_FIXED | Mman.MREMAP_DONTUNMAP)) == 0
                && resizeWholeInPlace(oldStart, oldEnd, newLength, m.flags())) {
            return true;
        }
        List<Piece> over = translation.overlapping(oldStart, oldEnd);
        if (!holdsTarget(over)) {
            moveUntranslated(over, oldStart, oldEnd, newStart, newLength, m.flags());
            return false;
        }
        long group = over.get(0).group;
        int prot = over.get(over.size() - 1).prot;
        if ((m.flags() & Mman.MREMAP_FIXED) != 0) {
            releaseTargetOf(translation.remove(newStart, newStart + newLength));
        }
        if ((m.flags() & Mman.MREMAP_DONTUNMAP) != 0) {
            copyToNewMapping(oldStart, oldEnd, newStart, newLength, prot);
            return true;
        }
        boolean recordedInPlaceGrowth = newStart == oldStart && newLength > oldLength;
        long target = contiguousTargetOf(oldStart, oldEnd);
        if (target >= 0) {
            long result = mapper.mremap(target, oldLength, newLength, m.flags() & Mman.MREMAP_MAYMOVE, 0);
            if (!Errno.isError(result)) {
                if (result != target) {
                    meter.copied(Math.min(oldLength, newLength));
                }
                if (recordedInPlaceGrowth) {
                    if (result == target) {
                        meter.keptInPlace();
                    } else {
                        meter.lostInPlace();
                    }
                }
                retranslate(oldStart, oldEnd, newStart, newLength, result, group, prot);
                return true;
            }
            meter.failedCall(Errno.of(result));
        }
        if (newLength < oldLength && newStart == oldStart) {
            List<Piece> tail = translation.remove(oldStart + newLength, oldEnd);
            for (Piece p : tail) {
                if (p.hasTarget()) {
                    leak(p.targetStart, p.lengthBytes());
                }
            }
            return true;
        }
        if (recordedInPlaceGrowth) {
            meter.lostInPlace();
        }
        moveByCopy(oldStart, oldEnd, newStart, newLength, group, prot);
        return true;
    }

    /**
     * The fast path of the commonest mremap: the recording resized one whole translated
     * mapping in place and the target does too. Returns false, having changed nothing, when
     * the old range is not exactly one piece or the target did not resize in place (the
     * caller then takes the general path, which makes the target call itself).
     */
    private boolean resizeWholeInPlace(long oldStart, long oldEnd, long newLength, int flags) {
        Piece p = translation.pieceAt(oldStart);
        if (p == null || p.kind != Kind.ANON || p.recStart != oldStart || p.recEnd != oldEnd) {
            return false;
        }
        long oldLength = oldEnd - oldStart;
        long newEnd = oldStart + newLength;
        if (newLength > oldLength && translation.intersects(oldEnd, newEnd)) {
            return false;
        }
        long target = p.targetStart;
        long result = mapper.mremap(target, oldLength, newLength, flags & Mman.MREMAP_MAYMOVE, 0);
        if (Errno.isError(result)) {
            meter.failedCall(Errno.of(result));
            if (newLength > oldLength) {
                meter.lostInPlace();
                moveByCopy(oldStart, oldEnd, oldStart, newLength, p.group, p.prot);
            } else {
                leak(target + newLength, oldLength - newLength);
                translation.resize(p, newEnd);
            }
            return true;
        }
        if (result != target) {
            meter.copied(Math.min(oldLength, newLength));
            if (newLength > oldLength) {
                meter.lostInPlace();
            }
            retranslate(oldStart, oldEnd, oldStart, newLength, result, p.group, p.prot);
            return true;
        }
        if (newLength > oldLength) {
            meter.keptInPlace();
        }
        translation.resize(p, newEnd);
        return true;
    }

    /** The recording moved memory the replay does not hold (a file mapping): move the record only. */
    private void moveUntranslated(List<Piece> over, long oldStart, long oldEnd, long newStart, long newLength,
            int flags) {
        if (over.isEmpty()) {
            return;
        }
        int prot = over.get(0).prot;
        if ((flags & Mman.MREMAP_DONTUNMAP) == 0) {
            translation.remove(oldStart, oldEnd);
        }
        releaseTargetOf(translation.remove(newStart, newStart + newLength));
        translation.insert(newStart, newStart + newLength, RangeTranslation.NO_TARGET, 0, Kind.FILE, prot);
    }

    /** After a successful target mremap: the recorded range now maps onto the target's result. */
    private void retranslate(long oldStart, long oldEnd, long newStart, long newLength, long target, long group,
            int prot) {
        List<Piece> old = translation.remove(oldStart, oldEnd);
        long newEnd = newStart + newLength;
        translation.remove(newStart, newEnd);
        long covered = newStart;
        for (Piece p : old) {
            long from = newStart + (p.recStart - oldStart);
            long to = Math.min(newEnd, newStart + (p.recEnd - oldStart));
            if (from < to) {
                translation.insert(from, to, target + (from - newStart), group, Kind.ANON, p.prot);
                covered = to;
            }
        }
        if (covered < newEnd) {
            translation.remove(covered, newEnd);
            translation.insert(covered, newEnd, target + (covered - newStart), group, Kind.ANON, prot);
        }
    }

    /** The fallback for a refused mremap: map new, copy what is translated, unmap the old runs. */
    private void moveByCopy(long oldStart, long oldEnd, long newStart, long newLength, long group, int prot) {
        long moved = mapper.mmap(0, newLength, prot, ANONYMOUS_PRIVATE, -1, 0);
        if (Errno.isError(moved)) {
            meter.outOfMemory();
            if (newStart != oldStart) {
                List<Piece> old = translation.remove(oldStart, oldEnd);
                translation.remove(newStart, newStart + newLength);
                for (Piece p : old) {
                    long from = newStart + (p.recStart - oldStart);
                    long to = Math.min(newStart + newLength, from + p.lengthBytes());
                    if (from < to) {
                        translation.insert(from, to, p.targetStart, p.group, p.kind, p.prot);
                    }
                }
            }
            return;
        }
        List<Piece> old = translation.remove(oldStart, oldEnd);
        for (Piece p : old) {
            if (p.hasTarget()) {
                long offset = p.recStart - oldStart;
                long bytes = Math.min(p.lengthBytes(), newLength - offset);
                if (bytes > 0) {
                    meter.copied(bytes);
                }
            }
        }
        releaseTargetOf(old);
        translation.remove(newStart, newStart + newLength);
        translation.insert(newStart, newStart + newLength, moved, group, Kind.ANON, prot);
    }

    /** MREMAP_DONTUNMAP: the data goes to a new mapping, the old range stays mapped. */
    private void copyToNewMapping(long oldStart, long oldEnd, long newStart, long newLength, int prot) {
        long moved = mapper.mmap(0, newLength, prot, ANONYMOUS_PRIVATE, -1, 0);
        if (Errno.isError(moved)) {
            meter.outOfMemory();
            return;
        }
        meter.copied(targetBytesOf(translation.overlapping(oldStart, oldEnd), oldStart,
                oldStart + Math.min(oldEnd - oldStart, newLength)));
        releaseTargetOf(translation.remove(newStart, newStart + newLength));
        translation.insert(newStart, newStart + newLength, moved, nextGroup++, Kind.ANON, prot);
    }

    // ---- brk -------------------------------------------------------------------------------

    private boolean brk(TraceEvent.Brk b) {
        long now = b.result();
        if (recordedBreak < 0) {
            recordedBreak = now;
            machine.sbrk(0);
            return true;
        }
        long oldEnd = roundUpToRecordedPage(recordedBreak);
        long newEnd = roundUpToRecordedPage(now);
        recordedBreak = now;
        if (newEnd > oldEnd) {
            growBreak(oldEnd, newEnd);
        } else if (newEnd < oldEnd) {
            shrinkBreak(newEnd, oldEnd);
        } else {
            machine.sbrk(0);
        }
        return true;
    }

    private void growBreak(long oldEnd, long newEnd) {
        long delta = newEnd - oldEnd;
        releaseTargetOf(translation.remove(oldEnd, newEnd));
        long target = machine.sbrk(delta);
        if (!Errno.isError(target)) {
            translation.insert(oldEnd, newEnd, target, 0, Kind.BREAK, READ_WRITE);
            return;
        }
        meter.failedCall(Errno.of(target));
        long mapped = mapper != null ? mapper.mmap(0, delta, READ_WRITE, ANONYMOUS_PRIVATE, -1, 0)
                : Errno.ENOMEM.result();
        if (Errno.isError(mapped)) {
            meter.outOfMemory();
            return;
        }
        translation.insert(oldEnd, newEnd, mapped, nextGroup++, Kind.ANON, READ_WRITE);
    }

    private void shrinkBreak(long newEnd, long oldEnd) {
        List<Piece> removed = translation.remove(newEnd, oldEnd);
        for (int i = removed.size() - 1; i >= 0; i--) {
            Piece p = removed.get(i);
            if (p.kind == Kind.ANON) {
                unmapTarget(p.targetStart, p.lengthBytes());
            } else if (p.kind == Kind.BREAK) {
                long targetBreak = machine.sbrk(0);
                long r = p.targetEnd() == targetBreak ? machine.sbrk(-p.lengthBytes()) : Errno.ENOMEM.result();
                if (Errno.isError(r)) {
                    meter.failedCall(Errno.of(r));
                    leak(p.targetStart, p.lengthBytes());
                }
            }
        }
    }

    // ---- heap ------------------------------------------------------------------------------

    private boolean heap(TraceEvent e) {
        switch (e.kind()) {
            case MALLOC: {
                TraceEvent.Malloc m = (TraceEvent.Malloc) e;
                return allocated(m.result(), m.sizeBytes(), allocator.malloc(m.sizeBytes()));
            }
            case CALLOC: {
                TraceEvent.Calloc c = (TraceEvent.Calloc) e;
                long result = allocator.calloc(c.count(), c.sizeBytes());
                if (result != 0) {
                    meter.cleared(c.count() * c.sizeBytes());
                }
                return allocated(c.result(), c.count() * c.sizeBytes(), result);
            }
            case REALLOC: {
                TraceEvent.Realloc r = (TraceEvent.Realloc) e;
                return reallocated(r.ptr(), r.sizeBytes(), r.result());
            }
            case REALLOCARRAY: {
                TraceEvent.Reallocarray r = (TraceEvent.Reallocarray) e;
                return reallocated(r.ptr(), r.count() * r.sizeBytes(), r.result());
            }
            case FREE: {
                long ptr = ((TraceEvent.Free) e).ptr();
                if (ptr == 0) {
                    allocator.free(0);
                    return true;
                }
                HeapBlock block = blocks.remove(ptr);
                if (block == null) {
                    return false;
                }
                allocator.free(block.target);
                return true;
            }
            case POSIX_MEMALIGN: {
                TraceEvent.PosixMemalign p = (TraceEvent.PosixMemalign) e;
                if (p.result() == TraceEvent.UNKNOWN_ADDRESS) {
                    return false;
                }
                long[] out = new long[1];
                int rc = allocator.posixMemalign(out, p.alignmentBytes(), p.sizeBytes());
                return allocated(p.result(), p.sizeBytes(), rc == 0 ? out[0] : 0);
            }
            case ALIGNED_ALLOC: {
                TraceEvent.AlignedAlloc a = (TraceEvent.AlignedAlloc) e;
                return allocated(a.result(), a.sizeBytes(), allocator.alignedAlloc(a.alignmentBytes(), a.sizeBytes()));
            }
            case MEMALIGN: {
                TraceEvent.Memalign a = (TraceEvent.Memalign) e;
                return allocated(a.result(), a.sizeBytes(), allocator.memalign(a.alignmentBytes(), a.sizeBytes()));
            }
            case VALLOC: {
                TraceEvent.Valloc v = (TraceEvent.Valloc) e;
                return allocated(v.result(), v.sizeBytes(), allocator.memalign(RECORDED_PAGE, v.sizeBytes()));
            }
            case PVALLOC: {
                TraceEvent.Pvalloc v = (TraceEvent.Pvalloc) e;
                long size = roundUpToRecordedPage(v.sizeBytes());
                return allocated(v.result(), size, allocator.memalign(RECORDED_PAGE, size));
            }
            default:
                throw new IllegalArgumentException("not a heap event: " + e);
        }
    }

    /** Records the target block for a recorded allocation, or counts the target's failure. */
    private boolean allocated(long recorded, long sizeBytes, long target) {
        if (recorded == 0) {
            if (target != 0) {
                allocator.free(target);
            }
            return true;
        }
        if (target == 0) {
            meter.failedCall(Errno.ENOMEM);
            meter.outOfMemory();
            return true;
        }
        HeapBlock stale = blocks.put(recorded, new HeapBlock(target, sizeBytes));
        if (stale != null) {
            allocator.free(stale.target);
        }
        return true;
    }

    private boolean reallocated(long ptr, long sizeBytes, long recorded) {
        HeapBlock old = ptr == 0 ? null : blocks.get(ptr);
        if (old == null) {
            return allocated(recorded, sizeBytes, allocator.malloc(sizeBytes));
        }
        long result = allocator.realloc(old.target, sizeBytes);
        if (sizeBytes == 0 && result == 0) {
            blocks.remove(ptr);
            return true;
        }
        if (result == 0) {
            meter.failedCall(Errno.ENOMEM);
            meter.outOfMemory();
            blocks.remove(ptr);
            if (recorded != 0) {
                blocks.put(recorded, old);
            }
            return true;
        }
        blocks.remove(ptr);
        if (recorded == ptr && sizeBytes > old.sizeBytes) {
            if (result == old.target) {
                meter.keptInPlace();
            } else {
                meter.lostInPlace();
            }
        }
        if (result != old.target) {
            meter.copied(Math.min(old.sizeBytes, sizeBytes));
        }
        return allocated(recorded, sizeBytes, result);
    }

    // ---- target runs -----------------------------------------------------------------------

    /** What to do with one target run. */
    private interface RunAction {
        void run(long targetStart, long lengthBytes);
    }

    /** Calls {@code action} for each maximal target-contiguous run of {@code pieces} clipped to [start, end). */
    private static void forEachTargetRun(List<Piece> pieces, long start, long end, RunAction action) {
        long runStart = -1;
        long runEnd = -1;
        for (Piece p : pieces) {
            if (!p.hasTarget()) {
                continue;
            }
            long from = Math.max(start, p.recStart);
            long to = Math.min(end, p.recEnd);
            if (from >= to) {
                continue;
            }
            long t = p.targetOf(from);
            if (t == runEnd) {
                runEnd += to - from;
            } else {
                if (runStart >= 0) {
                    action.run(runStart, runEnd - runStart);
                }
                runStart = t;
                runEnd = t + (to - from);
            }
        }
        if (runStart >= 0) {
            action.run(runStart, runEnd - runStart);
        }
    }

    /** The target address of {@code [start, end)} when it is wholly translated onto one target run, else -1. */
    private long contiguousTargetOf(long start, long end) {
        Piece first = translation.pieceAt(start);
        if (first == null || !first.hasTarget()) {
            return -1;
        }
        long target = first.targetOf(start);
        long expect = start;
        for (Piece p = first; expect < end; p = translation.pieceAt(expect)) {
            if (p == null || !p.hasTarget() || p.targetOf(expect) != target + (expect - start)) {
                return -1;
            }
            expect = p.recEnd;
        }
        return target;
    }

    /** Unmaps the target memory of removed pieces, one call per run; refusals leak. */
    private void releaseTargetOf(List<Piece> removed) {
        if (mapper == null) {
            return;
        }
        forEachTargetRun(removed, Long.MIN_VALUE, Long.MAX_VALUE, this::unmapTarget);
    }

    private void unmapTarget(long target, long lengthBytes) {
        long start = roundUpToTargetPage(target);
        long end = (target + lengthBytes) & -targetPageBytes;
        if (targetPageBytes != RECORDED_PAGE) {
            leak(target, Math.min(start, target + lengthBytes) - target); // the head of a partial map page
            long tailStart = Math.max(end, start);
            leak(tailStart, target + lengthBytes - tailStart);
        }
        if (end <= start) {
            return;
        }
        long r = mapper.munmap(start, end - start);
        if (Errno.isError(r)) {
            meter.failedCall(Errno.of(r));
            leak(start, end - start);
        }
    }

    private static boolean holdsTarget(List<Piece> pieces) {
        for (Piece p : pieces) {
            if (p.hasTarget()) {
                return true;
            }
        }
        return false;
    }

    /** Translated bytes of {@code pieces} inside {@code [start, end)}. */
    private static long targetBytesOf(List<Piece> pieces, long start, long end) {
        long n = 0;
        for (Piece p : pieces) {
            if (p.hasTarget()) {
                n += Math.max(0, Math.min(end, p.recEnd) - Math.max(start, p.recStart));
            }
        }
        return n;
    }

    /** Counts {@code [targetStart, targetStart + lengthBytes)} as leaked (nothing when empty). */
    private void leak(long targetStart, long lengthBytes) {
        if (lengthBytes > 0) {
            meter.leaked(lengthBytes);
            leakedTargets.add(targetStart, targetStart + lengthBytes);
        }
    }

    private static long roundUpToRecordedPage(long bytes) {
        return RecordedModel.roundUpToPage(bytes);
    }

    private long roundUpToTargetPage(long address) {
        return (address + targetPageBytes - 1) & -targetPageBytes;
    }

    // ---- views -----------------------------------------------------------------------------

    /** Recorded live bytes as the translation holds them (for tests). */
    long translatedBytes() {
        long heapBytes = 0;
        for (HeapBlock b : blocks.values()) {
            heapBytes += b.sizeBytes;
        }
        return translation.liveBytes() + heapBytes;
    }

    /** The target address of recorded address {@code rec}, or -1 when it is not translated (for tests). */
    long targetOf(long rec) {
        Piece p = translation.pieceAt(rec);
        if (p != null && p.hasTarget()) {
            return p.targetOf(rec);
        }
        HeapBlock b = blocks.get(rec);
        return b != null ? b.target : -1;
    }

    @Override
    public void visitLiveRanges(LiveRangeVisitor visitor) {
        translation.forEach(p -> {
            if (p.kind == Kind.BREAK) {
                visitor.range(p.targetStart, p.lengthBytes(), PeakMap.Kind.BREAK);
            } else if (p.kind == Kind.ANON) {
                visitor.range(p.targetStart, p.lengthBytes(),
                        p.prot == Mman.PROT_NONE ? PeakMap.Kind.RESERVED : PeakMap.Kind.LIVE);
            }
        });
        for (HeapBlock b : blocks.values()) {
            visitor.range(b.target, Math.max(1, b.sizeBytes), PeakMap.Kind.LIVE);
        }
        leakedTargets.visit(visitor, PeakMap.Kind.LEAKED);
    }

    @Override
    public void checkInvariants() {
        translation.checkInvariants();
        for (Map.Entry<Long, HeapBlock> e : blocks.entrySet()) {
            if (e.getValue().target == 0) {
                throw new IllegalStateException("recorded block " + Long.toHexString(e.getKey()) + " maps to NULL");
            }
        }
    }
}
