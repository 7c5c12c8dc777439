package dev.linmem.replay;

/**
 * Options every target is built with.
 *
 * @param mapPageBytes the address space's map page (granule) in bytes, a power of two from 4 KiB
 *                     to 64 KiB; 4 KiB replays Linux recordings faithfully and is the default.
 *                     Targets with a fixed granule (Emscripten's 64 KiB) ignore it.
 * @param checking     when invariants are checked
 */
public record TargetOptions(long mapPageBytes, InvariantChecking checking) {

    /** The default map page for Linux recordings: Linux's own 4 KiB. */
    public static final long LINUX_PAGE_BYTES = 4096;

    /** The smallest map page allowed. */
    public static final long MIN_MAP_PAGE_BYTES = 4096;

    /** The largest map page allowed: one wasm page. */
    public static final long MAX_MAP_PAGE_BYTES = 65536;

    public TargetOptions {
        if (mapPageBytes < MIN_MAP_PAGE_BYTES || mapPageBytes > MAX_MAP_PAGE_BYTES
                || Long.bitCount(mapPageBytes) != 1) {
            throw new IllegalArgumentException("map page must be a power of two from 4096 to 65536: "
                    + mapPageBytes);
        }
        if (checking == null) {
            throw new IllegalArgumentException("checking must not be null");
        }
    }

    /** 4 KiB map pages, invariants checked at the end. */
    public static TargetOptions defaults() {
        return new TargetOptions(LINUX_PAGE_BYTES, InvariantChecking.AT_END);
    }

    /** These options with another map page size. */
    public TargetOptions withMapPageBytes(long bytes) {
        return new TargetOptions(bytes, checking);
    }

    /** These options with another checking frequency. */
    public TargetOptions withChecking(InvariantChecking newChecking) {
        return new TargetOptions(mapPageBytes, newChecking);
    }
}
