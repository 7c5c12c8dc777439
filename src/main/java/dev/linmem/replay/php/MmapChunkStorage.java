package dev.linmem.replay.php;

import dev.linmem.memory.LinearMemory;
import dev.linmem.replay.ByteRanges;
import dev.linmem.replay.LiveRangeVisitor;
import dev.linmem.replay.PeakMap;
import dev.linmem.replay.ReplayMeter;
import dev.linmem.space.Errno;
import dev.linmem.space.MemoryMapper;
import dev.linmem.space.Mman;

/**
 * zend_alloc's default storage: blocks from the mmap family, as PHP's own OS layer gets them,
 * over any {@link MemoryMapper} (linmem's AddressSpace, Emscripten's emulation).
 *
 * <h2>Algorithm</h2>
 * <ol>
 *   <li><b>Chunk alloc</b> of S aligned to A, by {@link Alignment}: {@code DIRECT} asks the
 *       target for an aligned mapping in one call; {@code MAP_AND_TRIM} is PHP's own way:
 *       {@code mmap(NULL, S)}; if aligned, done; else unmap it whole, {@code mmap(NULL, S + A -
 *       page)}, unmap the misaligned head, and the tail beyond S when more than a page is left
 *       over. Trim results are unchecked, as in PHP: a refused trim leaves those pages held.</li>
 *   <li><b>Extend</b> from O to N, by {@link Growth}: {@code MREMAP} is Linux's
 *       {@code mremap(addr, O, N, 0)} (never MAYMOVE); {@code HINTED_MMAP} is every other
 *       platform's {@code mmap(addr + O, N - O)} with the end as a plain hint, unmapped again
 *       when placed elsewhere. True only when the block grew where it is.</li>
 *   <li><b>Truncate</b> from O to N: {@code munmap(addr + N, O - N)}, result unchecked: PHP
 *       considers the block truncated whatever the platform said.</li>
 *   <li><b>Free</b>: {@code munmap(addr, S)}, result unchecked.</li>
 * </ol>
 * Every call that fails is reported to the meter by errno; the {@link ByteRanges} ledger follows the calls
 * that succeeded, so refused unmaps show as leaked bytes.
 *
 * <h2>References</h2>
 * PHP's Zend/zend_alloc.c: zend_mm_chunk_alloc_int, zend_mm_chunk_extend, zend_mm_mmap_fixed,
 * zend_mm_chunk_truncate, zend_mm_chunk_free (behaviour only).
 */
final class MmapChunkStorage implements ChunkStorage {

    /** How a chunk-aligned block is obtained. */
    enum Alignment {
        /** One call to the target's aligned mapping ({@code mmapAligned}). */
        DIRECT,
        /** PHP's portable way: map, and when misaligned map more and trim. */
        MAP_AND_TRIM
    }

    /** How a huge block is grown in place. */
    enum Growth {
        /** {@code mremap(addr, old, new, 0)}: PHP built with HAVE_MREMAP (Linux). */
        MREMAP,
        /** {@code mmap(end, delta)} hinted at the block's end: PHP on every other platform. */
        HINTED_MMAP
    }

    /** A target's way to map {@code lengthBytes} aligned to {@code alignmentBytes} in one call. */
    @FunctionalInterface
    interface AlignedMapping {
        /** The mapping's address, or {@code -errno}. */
        long mmapAligned(long lengthBytes, long alignmentBytes);
    }

    private static final int READ_WRITE = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final int ANON_PRIVATE = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;

    private final MemoryMapper mapper;
    private final Alignment alignment;
    private final Growth growth;
    private final AlignedMapping alignedMapping;
    private final ByteRanges held = new ByteRanges();
    private final ReplayMeter meter;

    /**
     * A storage over {@code mapper}.
     *
     * @param alignedMapping the target's aligned mapping, required for {@link Alignment#DIRECT}, else null
     * @param meter          where failed calls are reported
     */
    MmapChunkStorage(MemoryMapper mapper, Alignment alignment, Growth growth, AlignedMapping alignedMapping,
                     ReplayMeter meter) {
        this.mapper = java.util.Objects.requireNonNull(mapper, "mapper");
        this.alignment = java.util.Objects.requireNonNull(alignment, "alignment");
        this.growth = java.util.Objects.requireNonNull(growth, "growth");
        if (alignment == Alignment.DIRECT && alignedMapping == null) {
            throw new IllegalArgumentException("direct alignment needs the target's aligned mapping");
        }
        this.alignedMapping = alignedMapping;
        this.meter = java.util.Objects.requireNonNull(meter, "meter");
    }

    @Override
    public LinearMemory memory() {
        return mapper.memory();
    }

    @Override
    public long chunkAlloc(long sizeBytes, long alignmentBytes) {
        if (alignment == Alignment.DIRECT) {
            long address = alignedMapping.mmapAligned(sizeBytes, alignmentBytes);
            return mapped(address, sizeBytes);
        }
        long first = mapped(mapper.mmap(0, sizeBytes, READ_WRITE, ANON_PRIVATE), sizeBytes);
        if (Errno.isError(first) || (first & (alignmentBytes - 1)) == 0) {
            return first;
        }
        unmap(first, sizeBytes);
        long oversized = sizeBytes + alignmentBytes - ZendConstants.PAGE_BYTES;
        long start = mapped(mapper.mmap(0, oversized, READ_WRITE, ANON_PRIVATE), oversized);
        if (Errno.isError(start)) {
            return start;
        }
        long offset = start & (alignmentBytes - 1);
        long leftOver = alignmentBytes;
        if (offset != 0) {
            long head = alignmentBytes - offset;
            unmap(start, head);
            start += head;
            leftOver = offset;
        }
        if (leftOver > ZendConstants.PAGE_BYTES) {
            unmap(start + sizeBytes, leftOver - ZendConstants.PAGE_BYTES);
        }
        return start;
    }

    @Override
    public void chunkFree(long address, long sizeBytes) {
        unmap(address, sizeBytes);
    }

    @Override
    public boolean chunkTruncate(long address, long oldSizeBytes, long newSizeBytes) {
        unmap(address + newSizeBytes, oldSizeBytes - newSizeBytes);
        return true;
    }

    @Override
    public boolean chunkExtend(long address, long oldSizeBytes, long newSizeBytes) {
        if (growth == Growth.MREMAP) {
            long result = mapper.mremap(address, oldSizeBytes, newSizeBytes, 0, 0);
            if (Errno.isError(result)) {
                countFailure(result);
                return false;
            }
            held.add(address + oldSizeBytes, address + newSizeBytes);
            return true;
        }
        long end = address + oldSizeBytes;
        long deltaBytes = newSizeBytes - oldSizeBytes;
        long placed = mapped(mapper.mmap(end, deltaBytes, READ_WRITE, ANON_PRIVATE), deltaBytes);
        if (Errno.isError(placed)) {
            return false;
        }
        if (placed != end) {
            unmap(placed, deltaBytes);
            return false;
        }
        return true;
    }

    @Override
    public long leakedBytes(long liveBlockBytes) {
        return held.heldBytes() - liveBlockBytes;
    }

    @Override
    public void visitHeld(LiveRangeVisitor visitor, PeakMap.Kind kind) {
        held.visit(visitor, kind);
    }

    @Override
    public void checkInvariants() {
        held.checkInvariants();
        mapper.checkInvariants();
    }

    /** Records a mapping call's result in the ledger; returns it. */
    private long mapped(long result, long lengthBytes) {
        if (Errno.isError(result)) {
            countFailure(result);
        } else {
            held.add(result, result + lengthBytes);
        }
        return result;
    }

    private void unmap(long address, long lengthBytes) {
        long result = mapper.munmap(address, lengthBytes);
        if (Errno.isError(result)) {
            countFailure(result);
        } else {
            held.remove(address, address + lengthBytes);
        }
    }

    private void countFailure(long result) {
        meter.failedCall(Errno.of(result));
    }
}
