/**
 * Layer 5: the replayer. Recorded events of one address space in, one {@link
 * dev.linmem.replay.TargetResult} per strategy out.
 *
 * <p>May use: {@code dev.linmem.replay.trace} (the event model and readers), {@code
 * dev.linmem.emscripten}, {@code dev.linmem.alloc}, {@code dev.linmem.space}, {@code
 * dev.linmem.memory}, and {@code dev.linmem.util} (the translation's tree). Used by {@code
 * dev.linmem.cli} and the report writers.
 *
 * <p>Vocabulary:
 * <ul>
 *   <li>a <em>target</em> (strategy) is one way of providing memory to the recorded program,
 *       registered by name with declared {@link dev.linmem.replay.Capability capabilities};
 *       a {@link dev.linmem.replay.Machine} is one fresh instance of it for one replay;</li>
 *   <li><em>recorded</em> addresses are the traced kernel's or allocator's choices;
 *       <em>target</em> addresses are the target's own; <em>translation</em> maps the former to
 *       the latter, piece by piece;</li>
 *   <li><em>linear</em> bytes are the wasm memory's size (it never shrinks, so its high-water
 *       mark is the cost); <em>live</em> bytes are what the recording itself holds at a moment
 *       (mapped anonymous bytes or live heap bytes), the lower bound of any target;</li>
 *   <li>a <em>fallback</em> is what the replayer does, as a portable program would, when a
 *       target fails a call that succeeded in the recording (docs/replay.md lists each rule).</li>
 * </ul>
 */
package dev.linmem.replay;
