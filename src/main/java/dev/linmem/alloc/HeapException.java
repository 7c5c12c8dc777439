package dev.linmem.alloc;

/**
 * Undefined behaviour in C, detected: the call is refused before any state changes.
 * Subclasses say what kind; {@link #pointer()} names the pointer at fault.
 */
public abstract class HeapException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final long pointer;

    protected HeapException(String message, long pointer) {
        super(message);
        this.pointer = pointer;
    }

    /** The pointer the failing call was given, or the block found corrupted. */
    public long pointer() {
        return pointer;
    }
}
