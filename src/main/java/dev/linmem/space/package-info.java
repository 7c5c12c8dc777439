/**
 * Layer 2: the address space, Linux's mmap family over a linear memory.
 *
 * <p>May use: {@code dev.linmem.memory}. Used by the allocators and everything above.
 *
 * <p>Vocabulary: a <em>map page</em> (granule) is the address space's unit, a power of two from
 * 4 KiB to 64 KiB, distinct from the 64 KiB wasm page; a <em>mapping</em> is one mmap'd range
 * (the kernel's VMA); a <em>gap</em> is an unmapped range; <em>placement</em> chooses where a
 * new mapping goes. Results are addresses or {@code -errno} ({@link dev.linmem.space.Errno}).
 */
package dev.linmem.space;
