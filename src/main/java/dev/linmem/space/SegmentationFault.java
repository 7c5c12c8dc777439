package dev.linmem.space;

/**
 * An access through a {@link CheckedMemory} view to a page that is not mapped, or whose
 * protection forbids the access: what would be SIGSEGV on Linux.
 */
public final class SegmentationFault extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The kind of access that faulted. */
    public enum Access { READ, WRITE }

    private final long address;
    private final Access access;
    private final int prot;

    SegmentationFault(long address, Access access, int prot) {
        super(String.format("segmentation fault: %s at 0x%x (%s)", access, address,
                prot < 0 ? "not mapped" : "protection " + protName(prot)));
        this.address = address;
        this.access = access;
        this.prot = prot;
    }

    /** The first faulting byte address. */
    public long address() {
        return address;
    }

    public Access access() {
        return access;
    }

    /** The protection of the faulting page, or -1 when it is not mapped. */
    public int prot() {
        return prot;
    }

    private static String protName(int prot) {
        return ((prot & Mman.PROT_READ) != 0 ? "r" : "-") + ((prot & Mman.PROT_WRITE) != 0 ? "w" : "-")
                + ((prot & Mman.PROT_EXEC) != 0 ? "x" : "-");
    }
}
