/**
 * Shared machinery of the text trace readers: a fast line reader, the cursor skeleton that
 * applies {@link dev.linmem.replay.trace.Leniency} and counts, and number parsing.
 *
 * <p>Layer: replay input, internal (not exported). May use the JDK and
 * {@code dev.linmem.replay.trace}. Used by the format packages ({@code strace}, {@code ltrace},
 * {@code malloc}).
 *
 * <p>Vocabulary: a <em>bad line</em> is a malformed line, reported with what was expected.
 */
package dev.linmem.replay.trace.text;
