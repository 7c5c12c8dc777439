package dev.linmem.replay;

import dev.linmem.memory.LinearMemory;
import dev.linmem.memory.MemoryType;

/** What every standard machine shares: the memory it starts with. */
final class Machines {

    private Machines() {
    }

    /**
     * Wasm pages a machine's memory starts with: the program's static data and stack live
     * below the managed memory, as in a wasm module. One page keeps that cost visible but small.
     */
    static final long INITIAL_WASM_PAGES = 1;

    /** A fresh wasm32 memory (up to 4 GiB) of {@link #INITIAL_WASM_PAGES}. */
    static LinearMemory newMemory() {
        return LinearMemory.create(MemoryType.i32(INITIAL_WASM_PAGES));
    }
}
