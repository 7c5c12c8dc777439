package dev.linmem.alloc;

/**
 * Undefined behaviour in C, detected: the call is refused before any state changes.
 * {@link #fault()} says what kind; {@link #pointer()} names the pointer at fault. Messages name
 * the operation and the pointer in hex, then what is wrong.
 */
public abstract class HeapException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final HeapFault fault;
    private final long pointer;

    protected HeapException(HeapFault fault, String message, long pointer) {
        super(message);
        if (fault == null) {
            throw new IllegalArgumentException("fault must not be null");
        }
        this.fault = fault;
        this.pointer = pointer;
    }

    /** The kind of fault. */
    public HeapFault fault() {
        return fault;
    }

    /** The pointer the failing call was given, or the block found corrupted. */
    public long pointer() {
        return pointer;
    }

    /** {@code 0x...}: how messages print addresses. */
    static String hex(long address) {
        return "0x" + Long.toHexString(address);
    }
}
