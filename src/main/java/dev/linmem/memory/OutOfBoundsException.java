package dev.linmem.memory;

/**
 * An access touched a byte outside the memory: the wasm "out of bounds memory access" trap.
 * Thrown before anything is written.
 */
public final class OutOfBoundsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final long address;
    private final long lengthBytes;
    private final long sizeBytes;

    public OutOfBoundsException(long address, long lengthBytes, long sizeBytes) {
        super("out of bounds memory access: address 0x" + Long.toHexString(address)
                + " length " + lengthBytes + " beyond memory size " + sizeBytes + " bytes");
        this.address = address;
        this.lengthBytes = lengthBytes;
        this.sizeBytes = sizeBytes;
    }

    /** The first address of the access. */
    public long address() {
        return address;
    }

    /** The length of the access in bytes. */
    public long lengthBytes() {
        return lengthBytes;
    }

    /** The memory's size in bytes when the access was made. */
    public long sizeBytes() {
        return sizeBytes;
    }
}
