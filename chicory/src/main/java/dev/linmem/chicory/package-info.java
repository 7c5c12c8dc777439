/**
 * Integration: linmem as the memory of the Chicory wasm runtime.
 *
 * <p>May use: Chicory's runtime and linmem's {@code memory}, {@code space}, {@code alloc} and
 * {@code emscripten} packages. Nothing in linmem's core depends on it.
 *
 * <p>Vocabulary: the <em>adapter</em> ({@link dev.linmem.chicory.LinmemMemory}) is Chicory's
 * {@code Memory} over a {@code LinearMemory}; the <em>imports</em>
 * ({@link dev.linmem.chicory.MmapImports}) are the host functions a guest calls for the mmap
 * family, under the import module {@code linmem}; the <em>mapper</em> is the
 * {@code MemoryMapper} behind them (LINUX: an {@code AddressSpace}; EMSCRIPTEN: Emscripten's
 * emulation); the <em>guest</em> is the wasm program.
 */
package dev.linmem.chicory;
