/**
 * Layer 5, above the replayer's core: PHP's memory manager replayed on each strategy. A PHP recording (strace or
 * the LD_PRELOAD recorder's {@code .malloc}) is <em>lifted</em> to zend_alloc's own decisions,
 * and a model of zend_alloc's OS layer replays those decisions against a strategy, reacting to
 * each result as PHP would, because PHP's next calls depend on the results it gets.
 *
 * <p>May use: {@code dev.linmem.replay} (the target SPI and the result records), {@code
 * dev.linmem.replay.trace} (the event model), {@code dev.linmem.emscripten}, {@code
 * dev.linmem.alloc}, {@code dev.linmem.space}, {@code dev.linmem.memory}. The replayer does not
 * use it: {@link dev.linmem.replay.php.PhpTargetProvider} adds its strategies to {@link
 * dev.linmem.replay.TargetRegistry#standard()} through {@link dev.linmem.replay.TargetProvider}
 * ({@code ServiceLoader}); the command line uses the registry.
 *
 * <p>Vocabulary (zend_alloc's, so the code reads beside it):
 * <ul>
 *   <li>a <em>chunk</em> is zend_alloc's 2 MiB unit of small and large allocations, aligned to
 *       2 MiB; a <em>huge block</em> is one allocation above 2 MiB - 4 KiB, rounded up to the
 *       4 KiB OS page and aligned to 2 MiB. Both are <em>blocks</em> of the OS layer;</li>
 *   <li>a <em>decision</em> is one call of zend_alloc's OS layer as PHP meant it: aligned
 *       allocation, extension, truncation or free of a block ({@link
 *       dev.linmem.replay.php.ZendDecision});</li>
 *   <li><em>lifting</em> recognises decisions in a recording's system calls; an event that
 *       belongs to no decision (the loader's mappings, libc's heap) is <em>not lifted</em>;</li>
 *   <li><em>storage</em> is the OS layer's platform contract (zend_mm_storage's four
 *       handlers: chunk alloc, free, truncate, extend); a <em>strategy</em> is one storage over
 *       one target;</li>
 *   <li><em>realloc-slow</em> is PHP's fallback when a block cannot be resized where it is:
 *       allocate a new block, copy, free the old one.</li>
 * </ul>
 */
package dev.linmem.replay.php;
