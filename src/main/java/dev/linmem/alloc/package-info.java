/**
 * Layer 3: the malloc family, with its metadata in the linear memory.
 *
 * <p>May use: {@code dev.linmem.space} and {@code dev.linmem.memory}.
 *
 * <p>Contents: the {@link dev.linmem.alloc.Allocator} interface and its statistics; two
 * allocators, {@link dev.linmem.alloc.Dlmalloc} and {@link dev.linmem.alloc.Emmalloc}; the memory
 * source contract {@link dev.linmem.alloc.HeapSource} (a program break, and optional mappings
 * for large chunks) with two sources, Emscripten's own {@code sbrk} over the memory and the brk
 * heap and mappings of an {@code AddressSpace}; and the exceptions for undefined behaviour
 * ({@link dev.linmem.alloc.HeapException} and its subclasses, each with a
 * {@link dev.linmem.alloc.HeapFault}).
 *
 * <p>Vocabulary: a <em>block</em> is what a caller holds. Inside {@code Dlmalloc} the words are
 * dlmalloc's: chunk, bin, treebin, dv (designated victim), top, segment. Inside {@code Emmalloc}
 * they are emmalloc's: region, root region, bucket. The <em>break</em> is the end of the sbrk
 * heap; a <em>source</em> is where a heap's memory comes from.
 */
package dev.linmem.alloc;
