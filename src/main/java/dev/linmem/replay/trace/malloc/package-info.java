/**
 * The reader of the LD_PRELOAD recorder's {@code .malloc} format: one heap call (or mmap,
 * munmap, mremap call) per line, in call order across threads, each thread introduced by a
 * {@code # tid T pid P} line.
 *
 * <p>Layer: replay input. May use the JDK, {@code dev.linmem.replay.trace} and
 * {@code dev.linmem.replay.trace.text}.
 *
 * <p>Vocabulary: one address space per recorded pid; a tid without a header line is its own
 * process.
 */
package dev.linmem.replay.trace.malloc;
