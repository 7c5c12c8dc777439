package dev.linmem.memory;

/** Builds a {@link LinearMemory}. Obtain one from {@link LinearMemory#builder(MemoryType)}. */
public final class LinearMemoryBuilder {

    private final MemoryType type;
    private Backing backing = Backing.HEAP;
    private long hostLimitPages = 1L << 18; // 16 GiB; see hostLimitPages(long)
    private int slabShift = -1; // chosen from the type unless a test sets it
    private int lowSlabMaxPages = Slabs.DEFAULT_LOW_SLAB_MAX_PAGES;

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

    /**
     * The most wasm pages of a wasm32 memory's <em>low slab</em>: the pages from address 0 up to
     * its initial size, which the memory commits together on the first write into any of them
     * and which an unshared memory then reads and writes without its page table, as fast as one
     * plain {@code ByteBuffer} (docs/memory.md). Pages above it are committed one by one on their
     * first write (the host allocates them a slab, at most 4 MiB, at a time). The low slab is the
     * initial size rounded down to whole slabs, at most this many pages, and at least one slab
     * (1 to 64 pages, chosen from the initial size), so 0 keeps it at one slab. Default 1,024
     * pages (64 MiB): a memory declared with at least 64 MiB takes 64 MiB of host memory on its
     * first write into the low slab, and accesses above 64 MiB take the page table. memory64
     * memories have no slabs and ignore this.
     *
     * @throws IllegalArgumentException if {@code pages} is negative or above 32,767 (a Java array
     *         or buffer holds less than 2 GiB)
     */
    public LinearMemoryBuilder lowSlabMaxPages(int pages) {
        if (pages < 0 || pages > Slabs.LOW_SLAB_PAGE_LIMIT) {
            throw new IllegalArgumentException("lowSlabMaxPages " + pages + " outside [0, " + Slabs.LOW_SLAB_PAGE_LIMIT + "]");
        }
        this.lowSlabMaxPages = pages;
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

    public int lowSlabMaxPages() {
        return lowSlabMaxPages;
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
     * one or more pages (chosen from the initial size, see {@code Slabs}) above a low slab (see
     * {@link #lowSlabMaxPages(int)}), memory64 memories a
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
        int lowPages = Slabs.lowSlabPagesFor(type, shift, lowSlabMaxPages);
        switch (backing) {
            case HEAP:
                return wasm32 ? new HeapMemory32(type, limitPages, shift, lowPages) : new HeapMemory64(type, limitPages);
            case DIRECT:
                return wasm32 ? new DirectMemory32(type, limitPages, shift, lowPages) : new DirectMemory64(type, limitPages);
            default:
                throw new AssertionError(backing);
        }
    }
}
