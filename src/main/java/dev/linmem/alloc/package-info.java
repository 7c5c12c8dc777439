/**
 * Layer 3: the malloc family, with its metadata in the linear memory.
 *
 * <p>May use: {@code dev.linmem.space} and {@code dev.linmem.memory}.
 *
 * <p>Vocabulary: a <em>block</em> is what a caller holds. Inside {@code Dlmalloc} the words are
 * dlmalloc's: chunk, bin, treebin, dv (designated victim), top, segment. Inside {@code Emmalloc}
 * they are emmalloc's: region, root region, bucket.
 */
package dev.linmem.alloc;
