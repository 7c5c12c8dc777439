package dev.linmem.alloc;

/**
 * One live allocation, as the leak report lists it.
 *
 * @param address        the pointer the caller holds
 * @param requestedBytes the size the caller asked for
 * @param usableBytes    what {@code usableSize} reports
 * @param sequence       the allocation's sequence number (1 for the heap's first successful allocation)
 */
public record LiveBlock(long address, long requestedBytes, long usableBytes, long sequence) {
}
