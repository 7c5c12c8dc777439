/**
 * Benchmarks of {@code dev.linmem.memory}: LinearMemory scalar accesses and bulk copies against a
 * plain {@code ByteBuffer} of the same size (heap or direct) in the same run, and growth one wasm
 * page at a time to 64 MiB and to 1 GiB (the 64 MiB run is the baseline: the time per page must
 * not rise with the size). Thread CPU time per operation ({@code ThreadCpuCounter}) is reported
 * beside the wall clock. Results and commands: docs/benchmarks.md.
 */
package dev.linmem.benchmarks.memory;
