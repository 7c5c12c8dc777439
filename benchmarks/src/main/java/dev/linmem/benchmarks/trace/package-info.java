/**
 * Benchmarks of the trace readers ({@code dev.linmem.replay.trace}): each shared trace parsed
 * whole from bytes in memory, in its text form and in the compact form, against splitting the
 * same text into lines with {@code BufferedReader} (the baseline) in the same run, plus a
 * best-of-N whole-file read speed ({@code TraceReadSpeed}) that is steadier on a loaded machine.
 * Results and commands: docs/benchmarks.md.
 */
package dev.linmem.benchmarks.trace;
