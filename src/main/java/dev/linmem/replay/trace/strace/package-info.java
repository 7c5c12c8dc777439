/**
 * The strace reader: output of {@code strace -f -e trace=mmap,munmap,mremap,brk,mprotect,
 * madvise,clone,clone3,fork,vfork,execve}, every line kind of {@code docs/trace-formats.md}.
 *
 * <p>Layer: replay input. May use the JDK, {@code dev.linmem.replay.trace},
 * {@code dev.linmem.replay.trace.text} and the constants of {@code dev.linmem.space}.
 *
 * <p>Vocabulary: a <em>prefix</em> is the pid column ({@code 16616 } or {@code [pid 16616] });
 * the <em>body</em> is the rest; an <em>unfinished</em> call is one split by another thread's
 * line, completed by its <em>resumed</em> line of the same tid; a <em>child</em> is a tid
 * created by a clone, clone3, fork or vfork of the trace, found in the first of two passes.
 */
package dev.linmem.replay.trace.strace;
