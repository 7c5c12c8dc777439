/**
 * Layer 0, beside the bottom: data structures that more than one layer needs and that know
 * nothing of wasm, pages or traces. May use: the JDK only. Used by {@code dev.linmem.space}
 * (mappings, gaps, known-zero runs) and {@code dev.linmem.replay} (the recorded-to-target
 * translation). Not exported by the module: an implementation detail, free to change.
 *
 * <p>Vocabulary: an <em>entry</em> is {@code (key, end, value)}, a half-open range from its key;
 * a <em>cursor</em> walks entries in key order; a <em>finger</em> is the leaf of the last
 * lookup, where the next nearby lookup starts.
 */
package dev.linmem.util;
