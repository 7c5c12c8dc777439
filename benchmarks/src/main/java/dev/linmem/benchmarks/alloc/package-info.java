/**
 * Benchmarks of {@code dev.linmem.alloc}: Dlmalloc and Emmalloc, each in its default
 * configuration over an {@code AddressSpace} and in Emscripten's over Emscripten's sbrk
 * ({@link dev.linmem.benchmarks.alloc.AllocatorKind}), on malloc/free loops, realloc growth,
 * whole shared heap traces (with peak footprint over peak live bytes), and the cost of the one
 * lock per heap (two threads against one). Baseline: {@code DLMALLOC_EMSCRIPTEN}, Emscripten's
 * default allocator, in the same run; for the contention benchmark, one thread of the same
 * allocator. Results and commands: docs/benchmarks.md.
 */
package dev.linmem.benchmarks.alloc;
