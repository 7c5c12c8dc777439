/**
 * Layer 4: Emscripten's emulation of the mmap family, the EMSCRIPTEN profile, over a malloc heap.
 *
 * <p>May use: {@code dev.linmem.alloc}, {@code dev.linmem.space} and {@code dev.linmem.memory}.
 * Used by the replayer and by runtimes that want Emscripten's behaviour for comparison.
 *
 * <p>Vocabulary: a <em>mapping</em> is what one successful anonymous {@code mmap} returned: a
 * block of the malloc heap aligned to a wasm page, whose last bytes hold Emscripten's
 * {@code struct map} <em>node</em>; the nodes form Emscripten's <em>mapping list</em>. A
 * <em>refused unmap</em> is a {@code munmap} Emscripten answers with EINVAL (anything but a
 * whole mapping); the bytes it named and that stay mapped are <em>leaked</em>.
 */
package dev.linmem.emscripten;
