package dev.linmem.alloc;

/**
 * The canary bytes after a live block were overwritten (a buffer overrun), found by a debug
 * heap at free, realloc or {@code checkInvariants}.
 */
public final class CanaryCorruptionException extends HeapCorruptionException {

    private static final long serialVersionUID = 1L;

    private final long offsetBytes;
    private final byte expected;
    private final byte actual;
    private final long sequence;

    /**
     * @param operation   the call that found it ({@code "free"}, {@code "checkInvariants"}, ...)
     * @param block       the live block's address
     * @param sequence    the block's allocation sequence number
     * @param offsetBytes the first bad byte's offset from {@code block} (at least the requested size)
     * @param expected    the canary byte that belongs there
     * @param actual      the byte found
     */
    public CanaryCorruptionException(String operation, long block, long sequence, long offsetBytes,
                                     byte expected, byte actual) {
        super(HeapFault.CANARY_CORRUPTION, operation + "(" + hex(block) + "): canary corrupted: byte at offset "
                + offsetBytes + " (" + hex(block + offsetBytes) + ") of block #" + sequence + " is "
                + String.format("0x%02x, expected 0x%02x", actual & 0xff, expected & 0xff)
                + " (buffer overrun)", block);
        this.offsetBytes = offsetBytes;
        this.expected = expected;
        this.actual = actual;
        this.sequence = sequence;
    }

    /** The first corrupted byte's offset from the block's address. */
    public long offsetBytes() {
        return offsetBytes;
    }

    /** The canary byte expected there. */
    public byte expected() {
        return expected;
    }

    /** The byte found. */
    public byte actual() {
        return actual;
    }

    /** The block's allocation sequence number. */
    public long sequence() {
        return sequence;
    }
}
