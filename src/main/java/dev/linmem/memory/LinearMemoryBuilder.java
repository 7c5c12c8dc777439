package dev.linmem.memory;

/** Builds a {@link LinearMemory}. Obtain one from {@link LinearMemory#builder(MemoryType)}. */
public final class LinearMemoryBuilder {

    private final MemoryType type;
    private Backing backing = Backing.HEAP;
    private long hostLimitPages = 1L << 18; // 16 GiB; see hostLimitPages(long)

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

    public MemoryType type() {
        return type;
    }

    public Backing backing() {
        return backing;
    }

    public long hostLimitPages() {
        return hostLimitPages;
    }

    /** Creates the memory. */
    public LinearMemory build() {
        throw new UnsupportedOperationException("LinearMemory implementation lands with issue 2");
    }
}
