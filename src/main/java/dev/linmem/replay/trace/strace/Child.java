package dev.linmem.replay.trace.strace;

/**
 * A tid created by a call of the trace: its parent's tid and whether it shares the parent's
 * address space (clone or clone3 with {@code CLONE_VM}: a thread, or a vfork-like helper).
 */
record Child(int parentTid, Sharing sharing) {

    /** Whether a child runs in its parent's address space. */
    enum Sharing {
        /** clone/clone3 with {@code CLONE_VM}. */
        SHARED,
        /** fork, vfork, or clone/clone3 without {@code CLONE_VM}: a new address space. */
        COPIED
    }
}
