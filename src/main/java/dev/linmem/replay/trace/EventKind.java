package dev.linmem.replay.trace;

/**
 * The kind of a {@link TraceEvent}, one constant per record type, so a replayer can dispatch
 * with a {@code switch} on {@link TraceEvent#kind()} (Java 17 has no pattern switch) and the
 * compact format can store the kind in one byte ({@link #ordinal()} is never stored: see
 * {@link #code()}).
 */
public enum EventKind {
    ADDRESS_SPACE_START(0, "start", Family.LIFECYCLE),
    MMAP(1, "mmap", Family.SYSCALL),
    MUNMAP(2, "munmap", Family.SYSCALL),
    MREMAP(3, "mremap", Family.SYSCALL),
    BRK(4, "brk", Family.SYSCALL),
    MPROTECT(5, "mprotect", Family.SYSCALL),
    MADVISE(6, "madvise", Family.SYSCALL),
    MALLOC(7, "malloc", Family.HEAP),
    CALLOC(8, "calloc", Family.HEAP),
    REALLOC(9, "realloc", Family.HEAP),
    REALLOCARRAY(10, "reallocarray", Family.HEAP),
    FREE(11, "free", Family.HEAP),
    POSIX_MEMALIGN(12, "posix_memalign", Family.HEAP),
    ALIGNED_ALLOC(13, "aligned_alloc", Family.HEAP),
    MEMALIGN(14, "memalign", Family.HEAP),
    VALLOC(15, "valloc", Family.HEAP),
    PVALLOC(16, "pvalloc", Family.HEAP);

    /** Which part of the model an event belongs to. */
    public enum Family {
        /** The start of an address space. */
        LIFECYCLE,
        /** The mmap family and brk: page-level calls. */
        SYSCALL,
        /** The malloc family: block-level calls. */
        HEAP
    }

    private static final EventKind[] BY_CODE = new EventKind[values().length];

    static {
        for (EventKind k : values()) {
            BY_CODE[k.code] = k;
        }
    }

    private final int code;
    private final String callName;
    private final Family family;

    EventKind(int code, String callName, Family family) {
        this.code = code;
        this.callName = callName;
        this.family = family;
    }

    /** The stable number of this kind in linmem's compact format. */
    public int code() {
        return code;
    }

    /** The C name of the call ({@code "start"} for an address-space start). */
    public String callName() {
        return callName;
    }

    /** Whether this is a page-level call, a heap call or an address-space start. */
    public Family family() {
        return family;
    }

    /** The kind whose {@link #code()} is {@code code}. */
    public static EventKind byCode(int code) {
        if (code < 0 || code >= BY_CODE.length) {
            throw new IllegalArgumentException("unknown event kind code " + code);
        }
        return BY_CODE[code];
    }
}
