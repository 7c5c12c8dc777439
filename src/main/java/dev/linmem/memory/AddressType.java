package dev.linmem.memory;

/** The index type of a linear memory: 32-bit (wasm32) or 64-bit (memory64). */
public enum AddressType {
    /** wasm32: at most 65,536 wasm pages, 4 GiB. */
    I32(1L << 16),
    /** memory64: at most 2^48 wasm pages by the spec; hosts cap it far lower. */
    I64(1L << 48);

    private final long maxPages;

    AddressType(long maxPages) {
        this.maxPages = maxPages;
    }

    /** The largest number of wasm pages the spec allows for this address type. */
    public long maxPages() {
        return maxPages;
    }
}
