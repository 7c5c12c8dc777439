package dev.linmem.replay;

/**
 * A kind of recorded event a target can replay. A target declares the set it handles; a trace
 * needs the set of kinds it contains (see {@link Target#fits(TraceProfile)}).
 */
public enum Capability {
    /** The mmap family: mmap, munmap, mremap, mprotect, madvise on anonymous memory. */
    MMAP,
    /** The program break: brk, replayed as sbrk on the target. */
    BRK,
    /** The malloc family: malloc, calloc, realloc, free and the aligned allocations. */
    HEAP
}
