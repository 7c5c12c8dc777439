/**
 * JMH benchmarks of linmem, one sub-package per package they measure, each against its baseline
 * in the same run (see benchmarks/README.md). This package holds what they share:
 * {@link dev.linmem.benchmarks.ThreadCpuCounter}, the thread CPU time per operation reported
 * beside the wall clock, which stays meaningful on a busy machine.
 */
package dev.linmem.benchmarks;
