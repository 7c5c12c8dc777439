/**
 * The ltrace reader: output of {@code ltrace -f -e malloc+free+realloc+calloc+posix_memalign+
 * aligned_alloc+memalign}, such as {@code 17079 libsqlite3.so.0->malloc(48) = 0x55a7f6ed32a0}.
 *
 * <p>Layer: replay input. May use the JDK, {@code dev.linmem.replay.trace} and
 * {@code dev.linmem.replay.trace.text}.
 *
 * <p>Vocabulary: the <em>caller</em> is the library or program before {@code ->}; a
 * <em>use</em> of a pointer is a free or realloc naming it. ltrace cannot tell threads from
 * processes, so every tid is in address space 0. posix_memalign's stored pointer is not in the
 * output; {@link dev.linmem.replay.trace.ltrace.MemalignResolver} recovers it from its first use.
 */
package dev.linmem.replay.trace.ltrace;
