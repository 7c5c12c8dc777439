/**
 * Layer 7: the command line ({@code linmem demo | replay | convert | stats}), the executable
 * jar's entry point {@link dev.linmem.cli.Main}. Not API: the module does not export it.
 *
 * <p>May use: {@code dev.linmem.replay}, {@code dev.linmem.replay.trace}, {@code
 * dev.linmem.replay.report}. Nothing uses it.
 *
 * <p>Vocabulary: a <em>command</em> is the first argument (demo when none); <em>options</em>
 * start with {@code --}; <em>operands</em> are the traces and files after them. Exit codes: 0
 * success, 1 unreadable or malformed input, 2 usage error (docs/cli.md).
 */
package dev.linmem.cli;
