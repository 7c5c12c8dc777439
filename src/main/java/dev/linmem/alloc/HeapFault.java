package dev.linmem.alloc;

/** The kind of undefined behaviour a {@link HeapException} reports (semantics.md section 4.1). */
public enum HeapFault {
    /** A block freed (or reallocated, or sized) after it was already freed. */
    DOUBLE_FREE,
    /** A pointer the heap never returned: see {@link InvalidPointerException.Reason}. */
    INVALID_POINTER,
    /** In-band metadata (a chunk or region header, footer or free-list link) does not hold what it must. */
    HEADER_CORRUPTION,
    /** The debug canary after a block was overwritten: a buffer overrun. */
    CANARY_CORRUPTION,
    /** The debug junk fill of a free block was disturbed: a write after free. */
    WRITE_AFTER_FREE
}
