package dev.linmem.alloc;

/**
 * A pointer the heap never returned was passed to {@code free}, {@code realloc} or
 * {@code usableSize}: {@link #reason()} says how it is wrong.
 */
public final class InvalidPointerException extends HeapException {

    private static final long serialVersionUID = 1L;

    /** How a pointer is invalid. */
    public enum Reason {
        /** Inside a live block but not its start; {@link #containingBlock()} names the block. */
        INTERIOR,
        /** Not a multiple of the heap's alignment, so it cannot be a block's start. */
        UNALIGNED,
        /** Inside the heap but not the start of any live or freed block. */
        NOT_ALLOCATED,
        /** Outside every range the heap owns: beyond memory, negative, or in memory that is not the heap's. */
        OUTSIDE_HEAP
    }

    private final Reason reason;
    private final long containingBlock;

    /**
     * @param operation       the call refused
     * @param pointer         the pointer it was given
     * @param reason          how the pointer is wrong
     * @param containingBlock for {@link Reason#INTERIOR}, the live block containing it; else 0
     * @param detail          what was found, for the message (may be empty)
     */
    public InvalidPointerException(String operation, long pointer, Reason reason, long containingBlock, String detail) {
        super(HeapFault.INVALID_POINTER, operation + "(" + hex(pointer) + "): invalid pointer ("
                + reason + ")" + (detail == null || detail.isEmpty() ? "" : ": " + detail), pointer);
        if (reason == null) {
            throw new IllegalArgumentException("reason must not be null");
        }
        this.reason = reason;
        this.containingBlock = containingBlock;
    }

    /** How the pointer is wrong. */
    public Reason reason() {
        return reason;
    }

    /** For {@link Reason#INTERIOR}, the live block containing the pointer; otherwise 0. */
    public long containingBlock() {
        return containingBlock;
    }
}
