package dev.linmem.memory;

/** Builds a {@link LinearMemory}. Obtain one from {@link LinearMemory#builder(MemoryType)}. */
public final class LinearMemoryBuilder {

    private final MemoryType type;
    private Backing backing = Backing.HEAP;
    private long hostLimitPages = 1L << 18; // 16 GiB; see hostLimitPages(long)
    private int slabShift = -1; // chosen from the type unless a test sets it

    LinearMemoryBuilder(MemoryType type) {
        if (type == null) {
            throw new IllegalArgumentException("type must not be null");
        }
        this.type = type;
    }

    /** Heap (default) or direct page buffers. */
    public LinearMemoryBuilder backing(Backing backing) {
        if (backing == null) {
            throw new IllegalArgumentException("backing must not be null");
        }
        this.backing = backing;
        return this;
    }

    /**
     * The most wasm pages the host will ever supply, whatever the type allows; {@code grow}
     * beyond it returns -1. Default 2^18 pages (16 GiB), which matters only for memory64.
     */
    public LinearMemoryBuilder hostLimitPages(long hostLimitPages) {
        if (hostLimitPages < type.initialPages()) {
            throw new IllegalArgumentException("hostLimitPages " + hostLimitPages
                    + " is below the type's initial pages " + type.initialPages());
        }
        this.hostLimitPages = hostLimitPages;
        return this;
    }

    /**
     * Overrides the slab size of a wasm32 memory ({@code 2^slabShift} wasm pages per host buffer,
     * see {@code Slabs}), which is otherwise chosen from the type's initial size; package-private,
     * so that tests can cover multi-page slabs with small memories.
     */
    LinearMemoryBuilder slabShift(int slabShift) {
        if (slabShift < 0 || slabShift > Slabs.MAX_SLAB_SHIFT) {
            throw new IllegalArgumentException("slabShift " + slabShift + " outside [0, " + Slabs.MAX_SLAB_SHIFT + "]");
        }
        this.slabShift = slabShift;
        return this;
    }

    public MemoryType type() {
        return type;
    }

    public Backing backing() {
        return backing;
    }

    public long hostLimitPages() {
        return hostLimitPages;
    }

    /**
     * The most pages the built memory may ever have: the type's maximum (or its address type's
     * bound), capped by {@link #hostLimitPages()} and, for memory64, by what a two-level page
     * table covers (2^38 pages).
     */
    public long limitPages() {
        long limit = Math.min(type.effectiveMaximumPages(), hostLimitPages);
        return type.addressType() == AddressType.I64 ? Math.min(limit, PageDirectory.MAX_LIMIT_PAGES) : limit;
    }

    /**
     * Creates the memory: wasm32 memories get a one-level page table whose pages live in slabs of
     * one or more pages (chosen from the initial size, see {@code Slabs}), memory64 memories a
     * two-level one with one buffer per page; the backing picks heap or direct buffers.
     *
     * @throws IllegalArgumentException if the type's initial pages exceed {@link #limitPages()}
     */
    public LinearMemory build() {
        long limitPages = limitPages();
        if (type.initialPages() > limitPages) {
            throw new IllegalArgumentException("initial pages " + type.initialPages()
                    + " exceed the host limit of " + limitPages + " pages");
        }
        boolean wasm32 = type.addressType() == AddressType.I32;
        int shift = slabShift >= 0 ? slabShift : Slabs.slabShiftFor(type);
        switch (backing) {
            case HEAP:
                return wasm32 ? new HeapMemory32(type, limitPages, shift) : new HeapMemory64(type, limitPages);
            case DIRECT:
                return wasm32 ? new DirectMemory32(type, limitPages, shift) : new DirectMemory64(type, limitPages);
            default:
                throw new AssertionError(backing);
        }
    }
}
