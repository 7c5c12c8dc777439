package dev.linmem.replay.php;

/**
 * One decision of zend_alloc's OS layer, as PHP meant it, lifted from a recording: what PHP
 * asked of the platform, not how the recorded platform answered. Blocks are named by a
 * {@link #blockId()} that stays the same when the block moves (a failed extension falls back
 * to allocate, copy and free, and the new block keeps the old one's id).
 *
 * <p>{@link #eventIndex()} is the number of recorded events of the address space read when the
 * decision was complete (1-based), so a replay's samples line up with the other targets'.
 */
public sealed interface ZendDecision {

    /** The block this decision is about. */
    int blockId();

    /** Events of the recording read up to and including the one that completed this decision. */
    long eventIndex();

    /** How the recorded platform answered an extension. */
    enum RecordedOutcome {
        /** The block grew where it was (mremap returned the same address, or the hint was honoured). */
        IN_PLACE,
        /** The platform refused; PHP allocated a new block, copied and freed the old one. */
        MOVED
    }

    /**
     * {@code zend_mm_chunk_alloc(size, 2 MiB)}: a new block of {@code sizeBytes} aligned to a chunk
     * (a chunk, or a huge block).
     */
    record AlignedAlloc(int blockId, long sizeBytes, long eventIndex) implements ZendDecision {
        public AlignedAlloc {
            requireBlockSize(sizeBytes);
        }
    }

    /** {@code zend_mm_chunk_extend}: grow huge block {@code blockId} to {@code newSizeBytes}. */
    record Extend(int blockId, long newSizeBytes, RecordedOutcome recorded, long eventIndex)
            implements ZendDecision {
        public Extend {
            requireBlockSize(newSizeBytes);
            if (recorded == null) {
                throw new IllegalArgumentException("recorded outcome must not be null");
            }
        }
    }

    /** {@code zend_mm_chunk_truncate}: shrink huge block {@code blockId} to {@code newSizeBytes}. */
    record Truncate(int blockId, long newSizeBytes, long eventIndex) implements ZendDecision {
        public Truncate {
            requireBlockSize(newSizeBytes);
        }
    }

    /** {@code zend_mm_chunk_free}: give block {@code blockId} back to the platform. */
    record Free(int blockId, long eventIndex) implements ZendDecision {
    }

    private static void requireBlockSize(long sizeBytes) {
        if (!ZendConstants.isBlockSize(sizeBytes)) {
            throw new IllegalArgumentException("not a block size (whole 4 KiB pages, at least 2 MiB): "
                    + sizeBytes);
        }
    }
}
