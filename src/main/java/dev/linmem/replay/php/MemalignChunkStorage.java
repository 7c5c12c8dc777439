package dev.linmem.replay.php;

import dev.linmem.alloc.Allocator;
import dev.linmem.memory.LinearMemory;
import dev.linmem.replay.LiveRangeVisitor;
import dev.linmem.replay.PeakMap;
import dev.linmem.replay.ReplayMeter;
import dev.linmem.space.Errno;
import java.util.HashMap;
import java.util.Map;

/**
 * WordPress Playground's storage for PHP on Emscripten: blocks come from the malloc heap.
 *
 * <h2>Algorithm</h2>
 * <ol>
 *   <li><b>Chunk alloc</b> of S aligned to A: {@code posix_memalign(&p, A, S)}, then the block
 *       is cleared (PHP expects fresh chunks to read zero, as mmap's do).</li>
 *   <li><b>Free</b>: {@code free(p)}.</li>
 *   <li><b>Extend, truncate</b>: not provided, so both report failure and every resize of a
 *       huge block goes through realloc-slow (allocate, copy, free).</li>
 * </ol>
 * Clearing is counted, not performed: a trace carries no contents, and the count is the cost.
 *
 * <h2>Invariants</h2>
 * Every held block is one the allocator returned and has not been freed.
 */
final class MemalignChunkStorage implements ChunkStorage {

    private final Allocator allocator;
    private final Map<Long, Long> heldSizes = new HashMap<>();
    private final ReplayMeter meter;
    private long heldBytes;

    /** A storage over {@code allocator}, reporting failures and clearing to {@code meter}. */
    MemalignChunkStorage(Allocator allocator, ReplayMeter meter) {
        this.allocator = java.util.Objects.requireNonNull(allocator, "allocator");
        this.meter = java.util.Objects.requireNonNull(meter, "meter");
    }

    @Override
    public LinearMemory memory() {
        return allocator.memory();
    }

    @Override
    public long chunkAlloc(long sizeBytes, long alignmentBytes) {
        long[] result = new long[1];
        int rc = allocator.posixMemalign(result, alignmentBytes, sizeBytes);
        if (rc != 0) {
            Errno e = Errno.byNumber(rc);
            meter.failedCall(e);
            return e.result();
        }
        heldSizes.put(result[0], sizeBytes);
        heldBytes += sizeBytes;
        meter.cleared(sizeBytes);
        return result[0];
    }

    @Override
    public void chunkFree(long address, long sizeBytes) {
        Long size = heldSizes.remove(address);
        if (size == null) {
            throw new IllegalStateException("free of a block this storage does not hold: " + address);
        }
        allocator.free(address);
        heldBytes -= size;
    }

    @Override
    public boolean chunkTruncate(long address, long oldSizeBytes, long newSizeBytes) {
        return false;
    }

    @Override
    public boolean chunkExtend(long address, long oldSizeBytes, long newSizeBytes) {
        return false;
    }

    @Override
    public long leakedBytes(long liveBlockBytes) {
        return heldBytes - liveBlockBytes;
    }

    @Override
    public void visitHeld(LiveRangeVisitor visitor, PeakMap.Kind kind) {
        for (Map.Entry<Long, Long> b : heldSizes.entrySet()) {
            visitor.range(b.getKey(), b.getValue(), kind);
        }
    }

    @Override
    public void checkInvariants() {
        long sum = 0;
        for (Map.Entry<Long, Long> b : heldSizes.entrySet()) {
            if (allocator.usableSize(b.getKey()) < b.getValue()) {
                throw new IllegalStateException("held block " + b.getKey() + " is smaller than " + b.getValue());
            }
            sum += b.getValue();
        }
        if (sum != heldBytes) {
            throw new IllegalStateException("held bytes " + heldBytes + " but blocks sum to " + sum);
        }
        allocator.checkInvariants();
    }
}
