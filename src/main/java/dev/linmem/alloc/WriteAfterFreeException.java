package dev.linmem.alloc;

/**
 * The junk fill of a free block was disturbed: something wrote to freed memory. Found by a debug
 * heap when it hands the memory out again or in {@code checkInvariants}.
 */
public final class WriteAfterFreeException extends HeapCorruptionException {

    private static final long serialVersionUID = 1L;

    private final long address;
    private final byte expected;
    private final byte actual;

    /**
     * @param operation the call that found it
     * @param block     the free block (chunk or region payload) whose fill is disturbed
     * @param address   the first disturbed byte
     * @param expected  the junk byte that belongs there
     * @param actual    the byte found
     */
    public WriteAfterFreeException(String operation, long block, long address, byte expected, byte actual) {
        super(HeapFault.WRITE_AFTER_FREE, operation + ": write after free: byte at " + hex(address)
                + " (offset " + (address - block) + " in the free block at " + hex(block) + ") is "
                + String.format("0x%02x, expected junk 0x%02x", actual & 0xff, expected & 0xff), block);
        this.address = address;
        this.expected = expected;
        this.actual = actual;
    }

    /** The first disturbed byte's address. */
    public long address() {
        return address;
    }

    /** The junk byte expected. */
    public byte expected() {
        return expected;
    }

    /** The byte found. */
    public byte actual() {
        return actual;
    }
}
