/**
 * Benchmarks of {@code dev.linmem.emscripten}: Emscripten's mmap emulation ({@code EmscriptenMmap},
 * the EMSCRIPTEN profile) against an {@code AddressSpace} with 64 KiB map pages (the LINUX
 * profile, the baseline) on the same call sequences, at the same number of live mappings.
 * Results and commands: docs/benchmarks.md.
 */
package dev.linmem.benchmarks.emscripten;
