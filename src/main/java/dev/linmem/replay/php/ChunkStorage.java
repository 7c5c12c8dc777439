package dev.linmem.replay.php;

import dev.linmem.replay.LiveRangeVisitor;
import dev.linmem.replay.PeakMap;

import dev.linmem.memory.LinearMemory;

/**
 * The OS layer's platform contract: zend_mm_storage's four handlers. One implementation per
 * way PHP can get its blocks: the mmap family ({@link MmapChunkStorage}) or a malloc heap
 * ({@link MemalignChunkStorage}, WordPress Playground's workaround).
 *
 * <p>Every method reports what the platform did; a storage never throws for a refusal. A
 * storage reports the calls its target failed, and the bytes it cleared, to the replay's
 * {@link dev.linmem.replay.ReplayMeter}.
 */
interface ChunkStorage {

    /** The memory the blocks live in: its high-water mark is the strategy's cost. */
    LinearMemory memory();

    /**
     * A new block of {@code sizeBytes} aligned to {@code alignmentBytes}.
     *
     * @return the block's address, or {@code -errno} when the platform has no memory for it
     */
    long chunkAlloc(long sizeBytes, long alignmentBytes);

    /** Gives the block {@code [address, address + sizeBytes)} back (the result is unchecked, as in PHP). */
    void chunkFree(long address, long sizeBytes);

    /**
     * Shrinks the block at {@code address} from {@code oldSizeBytes} to {@code newSizeBytes} in place.
     *
     * @return true when PHP may consider the block shrunk; false sends PHP to realloc-slow
     */
    boolean chunkTruncate(long address, long oldSizeBytes, long newSizeBytes);

    /**
     * Grows the block at {@code address} from {@code oldSizeBytes} to {@code newSizeBytes} in place.
     *
     * @return true when the block grew where it is; false sends PHP to realloc-slow
     */
    boolean chunkExtend(long address, long oldSizeBytes, long newSizeBytes);

    /** Bytes the platform still holds for blocks PHP has given back or shrunk: the leak. */
    long leakedBytes(long liveBlockBytes);

    /**
     * Hands every byte range the storage holds from its platform to {@code visitor} as
     * {@code kind}: PHP's live blocks and, beyond them, what the platform refused to take back.
     */
    void visitHeld(LiveRangeVisitor visitor, PeakMap.Kind kind);

    /** Checks the storage's own bookkeeping and its target's invariants. */
    void checkInvariants();
}
