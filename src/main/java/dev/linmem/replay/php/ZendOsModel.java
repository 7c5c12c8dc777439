package dev.linmem.replay.php;

import dev.linmem.replay.ReplayMeter;
import dev.linmem.replay.php.ZendDecision.RecordedOutcome;
import dev.linmem.space.Errno;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A model of zend_alloc's OS layer: replays lifted decisions against a {@link ChunkStorage}
 * and reacts to each result as PHP does, so the calls it makes depend on what the strategy
 * answered, not on what the recorded platform did.
 *
 * <h2>Layout</h2>
 * <pre>
 *   blocks: block id -> (address on the target, size in bytes)    every block PHP holds
 * </pre>
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li>Every block is aligned to a chunk, a whole number of OS pages, at least a chunk, and
 *       blocks are disjoint.</li>
 *   <li>{@link #liveBlockBytes()} is the sum of the block sizes.</li>
 * </ol>
 *
 * <h2>Algorithm</h2>
 * Sizes are the recording's: whole 4 KiB pages, PHP's {@code REAL_PAGE_SIZE} on every
 * platform but Windows, Emscripten's 64 KiB {@code getpagesize()} notwithstanding.
 * <ol>
 *   <li><b>AlignedAlloc(S)</b>: chunk alloc of S aligned to 2 MiB. A refusal is an
 *       out-of-memory event (PHP would stop with a fatal error); later decisions on that block
 *       are skipped.</li>
 *   <li><b>Extend(N)</b>: ask the storage to extend; if it refuses, realloc-slow: chunk alloc N, copy the old
 *       size, free the old block. Both blocks are live during the copy.</li>
 *   <li><b>Truncate(N)</b>: ask the storage to truncate; if it refuses, realloc-slow with N
 *       bytes copied.</li>
 *   <li><b>Free</b>: chunk free of the block's address and current size.</li>
 * </ol>
 * Copies, in-place growths kept and lost, and out-of-memory events are reported to the replay's
 * {@link ReplayMeter} as they happen. Copies are counted, not performed: a trace carries no
 * contents.
 *
 * <h2>References</h2>
 * PHP's Zend/zend_alloc.c: zend_mm_alloc_huge, zend_mm_realloc_huge, zend_mm_realloc_slow,
 * zend_mm_free_huge, zend_mm_chunk_alloc (behaviour only).
 */
final class ZendOsModel {

    /** One block as the strategy placed it. */
    static final class Block {
        long address;
        long sizeBytes;

        Block(long address, long sizeBytes) {
            this.address = address;
            this.sizeBytes = sizeBytes;
        }
    }

    private final ChunkStorage storage;
    private final Map<Integer, Block> blocks = new HashMap<>();
    private long liveBlockBytes;
    private final ReplayMeter meter;
    private long inPlaceGained;
    private long skippedDecisions;

    /** A model over {@code storage}, reporting to {@code meter}. */
    ZendOsModel(ChunkStorage storage, ReplayMeter meter) {
        this.storage = java.util.Objects.requireNonNull(storage, "storage");
        this.meter = java.util.Objects.requireNonNull(meter, "meter");
    }

    /** Applies one decision. */
    void apply(ZendDecision d) {
        if (d instanceof ZendDecision.AlignedAlloc) {
            allocate(d.blockId(), ((ZendDecision.AlignedAlloc) d).sizeBytes());
            return;
        }
        Block b = blocks.get(d.blockId());
        if (b == null) {
            skippedDecisions++;
            return;
        }
        if (d instanceof ZendDecision.Extend) {
            extend(b, (ZendDecision.Extend) d);
        } else if (d instanceof ZendDecision.Truncate) {
            truncate(b, ((ZendDecision.Truncate) d).newSizeBytes());
        } else {
            storage.chunkFree(b.address, b.sizeBytes);
            blocks.remove(d.blockId());
            liveBlockBytes -= b.sizeBytes;
        }
    }

    private void allocate(int blockId, long sizeBytes) {
        if (blocks.containsKey(blockId)) {
            throw new IllegalArgumentException("block " + blockId + " is already allocated");
        }
        long address = storage.chunkAlloc(sizeBytes, ZendConstants.CHUNK_BYTES);
        if (Errno.isError(address)) {
            meter.outOfMemory();
            return;
        }
        blocks.put(blockId, new Block(address, sizeBytes));
        liveBlockBytes += sizeBytes;
    }

    private void extend(Block b, ZendDecision.Extend d) {
        long newSize = d.newSizeBytes();
        if (newSize <= b.sizeBytes) {
            throw new IllegalArgumentException(d + " does not grow block of " + b.sizeBytes + " bytes");
        }
        boolean inPlace = storage.chunkExtend(b.address, b.sizeBytes, newSize);
        if (inPlace) {
            resize(b, newSize);
        } else {
            reallocSlow(b, newSize, b.sizeBytes);
        }
        if (d.recorded() == RecordedOutcome.IN_PLACE) {
            if (inPlace) {
                meter.keptInPlace();
            } else {
                meter.lostInPlace();
            }
        } else if (inPlace) {
            inPlaceGained++;
        }
    }

    private void truncate(Block b, long newSize) {
        if (newSize >= b.sizeBytes) {
            throw new IllegalArgumentException("truncation to " + newSize + " does not shrink block of "
                    + b.sizeBytes + " bytes");
        }
        if (storage.chunkTruncate(b.address, b.sizeBytes, newSize)) {
            resize(b, newSize);
        } else {
            reallocSlow(b, newSize, newSize);
        }
    }

    /** PHP's realloc-slow: a new block, a copy, then the old block freed. */
    private void reallocSlow(Block b, long newSize, long copyBytes) {
        long address = storage.chunkAlloc(newSize, ZendConstants.CHUNK_BYTES);
        if (Errno.isError(address)) {
            meter.outOfMemory();
            return;
        }
        meter.copied(copyBytes);
        storage.chunkFree(b.address, b.sizeBytes);
        liveBlockBytes += newSize - b.sizeBytes;
        b.address = address;
        b.sizeBytes = newSize;
    }

    private void resize(Block b, long newSize) {
        liveBlockBytes += newSize - b.sizeBytes;
        b.sizeBytes = newSize;
    }

    /** Bytes of the blocks PHP holds, as the strategy sized them. */
    long liveBlockBytes() {
        return liveBlockBytes;
    }

    /** Extensions that moved in the recording but grew in place here. */
    long inPlaceGained() {
        return inPlaceGained;
    }

    /** Decisions on blocks that could not be allocated. */
    long skippedDecisions() {
        return skippedDecisions;
    }

    /** The blocks' {@code [address, end)} ranges on the target, in address order. */
    List<long[]> blockRanges() {
        List<long[]> ranges = new ArrayList<>(blocks.size());
        for (Block b : blocks.values()) {
            ranges.add(new long[] {b.address, b.address + b.sizeBytes});
        }
        ranges.sort((x, y) -> Long.compare(x[0], y[0]));
        return ranges;
    }

    void checkInvariants() {
        long sum = 0;
        long previousEnd = Long.MIN_VALUE;
        for (long[] r : blockRanges()) {
            long size = r[1] - r[0];
            if (!ZendConstants.isChunkAligned(r[0]) || !ZendConstants.isBlockSize(size)) {
                throw new IllegalStateException("block [" + r[0] + ", " + r[1] + ") is not an aligned block");
            }
            if (r[0] < previousEnd) {
                throw new IllegalStateException("blocks overlap at " + r[0]);
            }
            previousEnd = r[1];
            sum += size;
        }
        if (sum != liveBlockBytes) {
            throw new IllegalStateException("live block bytes " + liveBlockBytes + " but blocks sum to " + sum);
        }
        storage.checkInvariants();
    }
}
