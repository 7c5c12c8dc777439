/**
 * Benchmarks of {@code dev.linmem.memory}: LinearMemory scalar accesses and bulk copies, random
 * and sequential, against a plain {@code ByteBuffer} of the same size (heap or direct) in the same
 * run; the page-table walk taken apart (one buffer per page, the same without reading the page's
 * header, slabs) against a plain buffer; and growth one wasm page at a time to 64 MiB and to 1 GiB (the 64 MiB run is the baseline: the time per page must
 * not rise with the size). Thread CPU time per operation ({@code ThreadCpuCounter}) is reported
 * beside the wall clock. Results and commands: docs/benchmarks.md.
 */
package dev.linmem.benchmarks.memory;
