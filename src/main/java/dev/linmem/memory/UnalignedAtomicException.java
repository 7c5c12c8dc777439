package dev.linmem.memory;

/** An atomic access at an address that is not a multiple of its width: the wasm "unaligned atomic" trap. */
public final class UnalignedAtomicException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final long address;
    private final int widthBytes;

    public UnalignedAtomicException(long address, int widthBytes) {
        super("unaligned atomic: address 0x" + Long.toHexString(address) + " is not a multiple of " + widthBytes);
        this.address = address;
        this.widthBytes = widthBytes;
    }

    public long address() {
        return address;
    }

    public int widthBytes() {
        return widthBytes;
    }
}
