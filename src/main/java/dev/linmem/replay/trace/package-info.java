/**
 * Replay input: the event model every trace format is read into, the reader SPI, the registry
 * of formats with detection by content, the converter to linmem's compact format, and
 * {@link dev.linmem.replay.trace.TraceStats}.
 *
 * <p>Layer: replay input, the first stage of {@code dev.linmem.replay}. May use only the JDK
 * and the constants of {@code dev.linmem.space} ({@code Errno}, {@code Mman}); nothing else of
 * linmem's lower layers. Used by the replayer, the reports and the command line.
 *
 * <p>Vocabulary: a <em>trace</em> is one recorded file; an <em>event</em> is one completed call
 * in it (a split strace call becomes one event); a <em>recorded</em> address or result is the
 * traced program's, never a target's; an <em>address space</em> is one process image (a new
 * one starts at execve and at a fork, vfork or clone without {@code CLONE_VM}), numbered from 0
 * in order of appearance; <em>tid</em> is the recording's thread or process id. Results follow
 * the kernel's convention: an address or value on success, {@code -errno} on failure.
 */
package dev.linmem.replay.trace;
