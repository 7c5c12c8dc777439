package dev.linmem.alloc;

/** The heap's in-memory metadata (a header, footer, link or canary) does not hold what it must. */
public class HeapCorruptionException extends HeapException {

    private static final long serialVersionUID = 1L;

    public HeapCorruptionException(String message, long pointer) {
        super(message, pointer);
    }
}
