/**
 * Benchmarks of the Chicory integration ({@code linmem-chicory}): a memory-heavy wasm guest loop
 * on Chicory's interpreter and compiler with the linmem memory adapter, against Chicory's own
 * default memory ({@code CHICORY_DEFAULT}) in the same run. Goal: within 1.2x of it.
 */
package dev.linmem.benchmarks.chicory;
