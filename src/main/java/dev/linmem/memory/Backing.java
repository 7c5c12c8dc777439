package dev.linmem.memory;

/** Where page buffers live on the host. */
public enum Backing {
    /** Java heap byte arrays: cheapest to allocate, collected with the memory. */
    HEAP,
    /** Direct (off-heap) buffers: what native code and some runtimes expect. */
    DIRECT
}
