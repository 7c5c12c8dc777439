/**
 * Benchmarks of {@code dev.linmem.space}: the mmap family of an {@code AddressSpace} (the LINUX
 * profile) beside Emscripten's emulation ({@code dev.linmem.emscripten.EmscriptenMmap}, the
 * EMSCRIPTEN profile) on the same call sequences, chosen with the {@link
 * dev.linmem.benchmarks.space.MapperProfile} parameter.
 *
 * <p>{@code AddressSpaceOpsBenchmark} (both profiles, thread CPU time per operation) measures
 * mmap/munmap pairs, PHP's chunk pattern and in-place growth chains over 100 to 1,000,000 live
 * mappings, each count read against 100 live mappings (goal: at most 3x at 1,000,000);
 * {@code AddressSpaceContentionBenchmark} measures the lock, two threads against one.
 * Results and commands: docs/benchmarks.md.
 */
package dev.linmem.benchmarks.space;
