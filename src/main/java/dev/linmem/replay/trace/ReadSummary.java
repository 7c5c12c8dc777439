package dev.linmem.replay.trace;

import java.util.List;

/**
 * What a reader saw besides the events it returned.
 *
 * @param lines            lines (or compact records) read
 * @param events           events returned, address-space starts included
 * @param ignoredLines     well-formed lines that carry no event: signals, exits, comments,
 *                         failed execve, clones sharing the address space
 * @param interruptedCalls calls without a result: {@code = ?}, or an {@code <unfinished ...>}
 *                         never resumed before the end of the file; they yield no event
 * @param skippedLines     malformed lines skipped in {@link Leniency#LENIENT} mode
 * @param firstProblems    the messages of the first few skipped lines, for diagnostics
 */
public record ReadSummary(long lines, long events, long ignoredLines, long interruptedCalls,
        long skippedLines, List<String> firstProblems) {

    /** How many skipped lines' messages {@link #firstProblems} keeps. */
    public static final int MAX_PROBLEMS_KEPT = 10;

    public ReadSummary {
        firstProblems = List.copyOf(firstProblems);
    }
}
