package dev.linmem.alloc;

/** What {@code realloc(p, 0)} does for a non-NULL {@code p}: C leaves it to the implementation. */
public enum ReallocZeroPolicy {
    /** Free {@code p} and return NULL, errno unchanged (glibc, emmalloc). */
    FREE_AND_RETURN_NULL,
    /** Resize {@code p} to a minimum-size block and return it (stock dlmalloc, mimalloc). */
    RETURN_MINIMUM_BLOCK
}
