package dev.linmem.alloc;

/**
 * A block freed (or reallocated, or sized) after it was already freed and not handed out
 * again. Names the allocation's sequence number (as in {@link LiveBlock#sequence()}) and the
 * first free's sequence number (1 for the heap's first free), or -1 where not tracked.
 */
public final class DoubleFreeException extends HeapException {

    private static final long serialVersionUID = 1L;

    private final long allocationSequence;
    private final long freeSequence;

    /**
     * @param operation          the call refused ({@code "free"}, {@code "realloc"}, ...)
     * @param pointer            the pointer it was given
     * @param allocationSequence the freed block's allocation sequence number, or -1
     * @param freeSequence       the sequence number of the free that released it, or -1
     */
    public DoubleFreeException(String operation, long pointer, long allocationSequence, long freeSequence) {
        super(HeapFault.DOUBLE_FREE, operation + "(" + hex(pointer) + "): double free: the block"
                + (allocationSequence > 0 ? " allocated by allocation #" + allocationSequence : "")
                + " was already freed" + (freeSequence > 0 ? " by free #" + freeSequence : ""), pointer);
        this.allocationSequence = allocationSequence;
        this.freeSequence = freeSequence;
    }

    /** The freed block's allocation sequence number, or -1 when not tracked. */
    public long allocationSequence() {
        return allocationSequence;
    }

    /** The sequence number of the first free of the block, or -1 when not tracked. */
    public long freeSequence() {
        return freeSequence;
    }
}
