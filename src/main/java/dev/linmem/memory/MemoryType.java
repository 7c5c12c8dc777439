package dev.linmem.memory;

/**
 * The type of a wasm linear memory: its limits, its address type and whether it is shared.
 *
 * <p>Limits are in wasm pages of {@link LinearMemory#PAGE_BYTES} bytes. {@code maximumPages} is
 * {@link #NO_MAXIMUM} when the type declares none; the effective maximum is then the address
 * type's own bound ({@link AddressType#maxPages()}), further capped by the host at creation.
 * A shared memory must declare a maximum, as the threads proposal requires.
 *
 * @param initialPages wasm pages the memory starts with
 * @param maximumPages declared maximum in wasm pages, or {@link #NO_MAXIMUM}
 * @param addressType  i32 (wasm32, at most 4 GiB) or i64 (memory64)
 * @param shared       whether the memory is shared between threads (atomics, wait/notify)
 */
public record MemoryType(long initialPages, long maximumPages, AddressType addressType, boolean shared) {

    /** Marks a memory type without a declared maximum. */
    public static final long NO_MAXIMUM = -1;

    public MemoryType {
        if (addressType == null) {
            throw new IllegalArgumentException("addressType must not be null");
        }
        if (initialPages < 0 || initialPages > addressType.maxPages()) {
            throw new IllegalArgumentException("initialPages " + initialPages + " is outside [0, "
                    + addressType.maxPages() + "] for " + addressType);
        }
        if (maximumPages != NO_MAXIMUM
                && (maximumPages < initialPages || maximumPages > addressType.maxPages())) {
            throw new IllegalArgumentException("maximumPages " + maximumPages + " is outside ["
                    + initialPages + ", " + addressType.maxPages() + "] for " + addressType);
        }
        if (shared && maximumPages == NO_MAXIMUM) {
            throw new IllegalArgumentException("a shared memory must declare a maximum");
        }
    }

    /** A wasm32 memory with {@code initialPages} and no declared maximum (so up to 4 GiB). */
    public static MemoryType i32(long initialPages) {
        return new MemoryType(initialPages, NO_MAXIMUM, AddressType.I32, false);
    }

    /** A wasm32 memory with the given limits. */
    public static MemoryType i32(long initialPages, long maximumPages) {
        return new MemoryType(initialPages, maximumPages, AddressType.I32, false);
    }

    /** A memory64 memory with the given limits ({@link #NO_MAXIMUM} allowed). */
    public static MemoryType i64(long initialPages, long maximumPages) {
        return new MemoryType(initialPages, maximumPages, AddressType.I64, false);
    }

    /** The same limits and address type, shared. */
    public MemoryType asShared() {
        return new MemoryType(initialPages, maximumPages, addressType, true);
    }

    /** True when a maximum is declared. */
    public boolean hasMaximum() {
        return maximumPages != NO_MAXIMUM;
    }

    /** The declared maximum, or the address type's bound when none is declared. */
    public long effectiveMaximumPages() {
        return hasMaximum() ? maximumPages : addressType.maxPages();
    }
}
