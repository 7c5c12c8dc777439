package dev.linmem.space;

/**
 * When an address space clears pages that were mapped and then given back (by munmap, a shrink,
 * a move or a brk decrease). Either way a new mapping reads zero, and pages known to be zero
 * (never mapped since the memory grew, or already cleared) are never cleared again.
 */
public enum ZeroingPolicy {
    /** Clear freed pages at once (whole wasm pages are discarded, releasing their backing). */
    EAGER,
    /** Leave freed pages dirty and clear them only if a later mapping reuses them. */
    ON_REUSE
}
