package dev.linmem.alloc;

/**
 * The heap's in-memory metadata (a header, footer, link or canary) does not hold what it must:
 * something wrote over it. Thrown by the operation that met it and by {@code checkInvariants}.
 * Subclasses name the debug-mode checks: {@link CanaryCorruptionException},
 * {@link WriteAfterFreeException}.
 */
public class HeapCorruptionException extends HeapException {

    private static final long serialVersionUID = 1L;

    /** A {@link HeapFault#HEADER_CORRUPTION} at {@code pointer}; the message says what was found. */
    public HeapCorruptionException(String message, long pointer) {
        super(HeapFault.HEADER_CORRUPTION, message, pointer);
    }

    protected HeapCorruptionException(HeapFault fault, String message, long pointer) {
        super(fault, message, pointer);
    }
}
