/**
 * linmem's compact binary trace format: a header, then one varint-coded record per event with
 * numbers stored as deltas from the previous record, then a trailer. Written by
 * {@link dev.linmem.replay.trace.compact.CompactWriter} ({@code linmem convert}), read by
 * {@link dev.linmem.replay.trace.compact.CompactReader}; byte layout in
 * {@code docs/trace-formats.md} and {@link dev.linmem.replay.trace.compact.CompactFormat}.
 *
 * <p>Layer: replay input. May use the JDK and {@code dev.linmem.replay.trace}.
 *
 * <p>Vocabulary: a <em>record</em> is one encoded event; a <em>register</em> is the previous
 * value a delta is taken from (line, tid, space, pointer).
 */
package dev.linmem.replay.trace.compact;
