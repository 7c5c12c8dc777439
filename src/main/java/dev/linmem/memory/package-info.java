/**
 * Layer 1, the bottom: the wasm linear memory.
 *
 * <p>May use: the JDK only. Used by every layer above.
 *
 * <p>Vocabulary: a <em>wasm page</em> is the spec's fixed 64 KiB unit of size and growth
 * ({@link dev.linmem.memory.LinearMemory#PAGE_BYTES}); <em>size</em> is the current number of
 * wasm pages; a page is <em>committed</em> once its host backing is allocated, which happens on
 * its first write; <em>discard</em> zeroes whole wasm pages and releases their backing. Addresses
 * are {@code long} byte addresses; ranges are half-open.
 */
package dev.linmem.memory;
