package dev.linmem.space;

import dev.linmem.memory.LinearMemory;

/**
 * A debugging view of an address space's memory that enforces what wasm cannot: every access
 * must fall in mapped pages whose protection allows it (a read needs PROT_READ, a write
 * PROT_WRITE), else it throws {@link SegmentationFault} before touching memory. Addresses below
 * the base address (static data, stack) are not checked. Each access takes the address space's
 * lock to look up protections, so this view is for tests and debugging, not speed.
 */
public final class CheckedMemory {

    private final AddressSpace space;

    CheckedMemory(AddressSpace space) {
        this.space = space;
    }

    public byte getI8(long address) {
        check(address, 1, SegmentationFault.Access.READ);
        return memory().getI8(address);
    }

    public void putI8(long address, byte value) {
        check(address, 1, SegmentationFault.Access.WRITE);
        memory().putI8(address, value);
    }

    public int getI32(long address) {
        check(address, 4, SegmentationFault.Access.READ);
        return memory().getI32(address);
    }

    public void putI32(long address, int value) {
        check(address, 4, SegmentationFault.Access.WRITE);
        memory().putI32(address, value);
    }

    public long getI64(long address) {
        check(address, 8, SegmentationFault.Access.READ);
        return memory().getI64(address);
    }

    public void putI64(long address, long value) {
        check(address, 8, SegmentationFault.Access.WRITE);
        memory().putI64(address, value);
    }

    /** Copies {@code length} bytes at {@code address} into {@code dst[dstOffset..]}. */
    public void read(long address, byte[] dst, int dstOffset, int length) {
        check(address, length, SegmentationFault.Access.READ);
        memory().read(address, dst, dstOffset, length);
    }

    /** Copies {@code length} bytes of {@code src[srcOffset..]} to {@code address}. */
    public void write(long address, byte[] src, int srcOffset, int length) {
        check(address, length, SegmentationFault.Access.WRITE);
        memory().write(address, src, srcOffset, length);
    }

    private LinearMemory memory() {
        return space.memory();
    }

    private void check(long address, long lengthBytes, SegmentationFault.Access access) {
        long fault = space.firstFaultingAddress(address, lengthBytes,
                access == SegmentationFault.Access.READ ? Mman.PROT_READ : Mman.PROT_WRITE);
        if (fault >= 0) {
            throw new SegmentationFault(fault, access, space.protectionAt(fault));
        }
    }
}
